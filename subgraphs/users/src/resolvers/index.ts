import { AccountEmailResolver } from "./account-email.resolver";
import { ApiKeyResolver } from "./api-key.resolver";
import { AuditLogResolver } from "./audit-log.resolver";
import { AuthResolver } from "./auth.resolver";
import { UserResolver } from "./user.resolver";

export { resolveUserReference } from "./user.resolver";

export const resolvers = [AuthResolver, AccountEmailResolver, UserResolver, ApiKeyResolver, AuditLogResolver] as const;

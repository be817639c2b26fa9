export * from "./enums";
export * from "./user";
export * from "./session";
export * from "./refresh-token";
export * from "./api-key";
export * from "./audit-log-entry";

import { ApiKey } from "./api-key";
import { AuditLogEntry } from "./audit-log-entry";
import { RefreshToken } from "./refresh-token";
import { Session } from "./session";
import { User } from "./user";

export const entities = [User, Session, RefreshToken, ApiKey, AuditLogEntry];

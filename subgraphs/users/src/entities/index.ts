export * from "./enums";
export * from "./user";
export * from "./session";
export * from "./refresh-token";
export * from "./api-key";
export * from "./audit-log-entry";
export * from "./account-token";
export * from "./mail-outbox-entry";
export * from "./login-failure";

import { AccountToken } from "./account-token";
import { ApiKey } from "./api-key";
import { AuditLogEntry } from "./audit-log-entry";
import { LoginFailure } from "./login-failure";
import { MailOutboxEntry } from "./mail-outbox-entry";
import { RefreshToken } from "./refresh-token";
import { Session } from "./session";
import { User } from "./user";

export const entities = [User, Session, RefreshToken, ApiKey, AuditLogEntry, AccountToken, MailOutboxEntry, LoginFailure];

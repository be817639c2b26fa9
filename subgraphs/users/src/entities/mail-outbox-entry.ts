import { randomUUID } from "node:crypto";
import { OptionalProps } from "@mikro-orm/core";
import { Entity, Enum, Index, PrimaryKey, Property, Unique } from "@mikro-orm/decorators/legacy";
import { TokenPurpose } from "./account-token";

/**
 * A mail to send: written in the same transaction as the change that calls for it (a registration,
 * a reset request) and delivered by a periodic job. It names the address and the purpose only; the
 * job mints the token when it sends, so no usable secret ever rests in the database. One pending
 * row per address and purpose: asking again before it went out changes nothing.
 */
@Entity({ tableName: "mail_outbox" })
@Unique({ properties: ["purpose", "recipient"] })
@Index({ properties: ["nextAttemptAt"] })
export class MailOutboxEntry {
  [OptionalProps]?: "createdAt" | "attempts" | "nextAttemptAt" | "lastError";

  @PrimaryKey({ type: "uuid" })
  id: string = randomUUID();

  @Enum({ items: () => TokenPurpose, type: "text" })
  purpose!: TokenPurpose;

  /** The normalised address; the job finds the account (if any) from it when it sends. */
  @Property({ type: "text" })
  recipient!: string;

  @Property({ type: "timestamptz" })
  createdAt: Date = new Date();

  @Property({ type: "int" })
  attempts: number = 0;

  @Property({ type: "timestamptz" })
  nextAttemptAt: Date = new Date();

  /** Why the last attempt failed (the SMTP error), for operators. */
  @Property({ type: "text", nullable: true })
  lastError: string | null = null;
}

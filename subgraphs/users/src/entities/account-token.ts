import { randomUUID } from "node:crypto";
import { OptionalProps } from "@mikro-orm/core";
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from "@mikro-orm/decorators/legacy";
import { User } from "./user";

export enum TokenPurpose {
  VERIFY_EMAIL = "VERIFY_EMAIL",
  RESET_PASSWORD = "RESET_PASSWORD",
}

/**
 * A link sent by mail that proves the reader owns the address: stored as a SHA-256 hash, good once
 * (`usedAt`) and until `expiresAt`.
 */
@Entity({ tableName: "account_tokens" })
@Index({ properties: ["user", "purpose", "createdAt"] })
export class AccountToken {
  [OptionalProps]?: "createdAt" | "usedAt";

  @PrimaryKey({ type: "uuid" })
  id: string = randomUUID();

  @ManyToOne(() => User, { deleteRule: "cascade" })
  user!: User;

  @Enum({ items: () => TokenPurpose, type: "text" })
  purpose!: TokenPurpose;

  @Property({ type: "text", unique: true })
  tokenHash!: string;

  @Property({ type: "timestamptz" })
  createdAt: Date = new Date();

  @Property({ type: "timestamptz" })
  @Index()
  expiresAt!: Date;

  @Property({ type: "timestamptz", nullable: true })
  usedAt: Date | null = null;
}

import { randomUUID } from "node:crypto";
import { OptionalProps } from "@mikro-orm/core";
import { Entity, Index, ManyToOne, PrimaryKey, Property } from "@mikro-orm/decorators/legacy";
import { Session } from "./session";

/** A refresh token, stored as a SHA-256 hash; `rotatedAt` set means it was used and retired. */
@Entity({ tableName: "refresh_tokens" })
export class RefreshToken {
  [OptionalProps]?: "createdAt" | "rotatedAt";

  @PrimaryKey({ type: "uuid" })
  id: string = randomUUID();

  @ManyToOne(() => Session, { deleteRule: "cascade" })
  @Index()
  session!: Session;

  @Property({ type: "text", unique: true })
  tokenHash!: string;

  @Property({ type: "timestamptz" })
  createdAt: Date = new Date();

  @Property({ type: "timestamptz" })
  expiresAt!: Date;

  @Property({ type: "timestamptz", nullable: true })
  rotatedAt: Date | null = null;
}

import { randomUUID } from "node:crypto";
import { OptionalProps } from "@mikro-orm/core";
import { Entity, Index, ManyToOne, PrimaryKey, Property } from "@mikro-orm/decorators/legacy";
import { User } from "./user";

/** One login: the family of refresh tokens that rotate from it. Revoking it ends them all. */
@Entity({ tableName: "sessions" })
export class Session {
  [OptionalProps]?: "createdAt" | "revokedAt" | "revokedReason";

  @PrimaryKey({ type: "uuid" })
  id: string = randomUUID();

  @ManyToOne(() => User, { deleteRule: "cascade" })
  @Index()
  user!: User;

  @Property({ type: "timestamptz" })
  createdAt: Date = new Date();

  @Property({ type: "timestamptz", nullable: true })
  revokedAt: Date | null = null;

  /** logout | refresh_token_reuse */
  @Property({ type: "text", nullable: true })
  revokedReason: string | null = null;
}

import { Access } from "@solo/kit";
import { randomUUID } from "node:crypto";
import { OptionalProps } from "@mikro-orm/core";
import { Entity, Index, ManyToOne, PrimaryKey, Property } from "@mikro-orm/decorators/legacy";
import { Field, ID, ObjectType } from "type-graphql";
import { User } from "./user";

/** A partner API key. The secret is shown once; only its SHA-256 hash is kept. */
@ObjectType({ description: "A partner API key (its secret is never shown again)" })
@Access({ withParent: true })
@Entity({ tableName: "api_keys" })
export class ApiKey {
  [OptionalProps]?: "scopes" | "createdAt" | "lastUsedAt" | "revokedAt";

  @Field(() => ID)
  @PrimaryKey({ type: "uuid" })
  id: string = randomUUID();

  @ManyToOne(() => User, { deleteRule: "cascade" })
  @Index()
  owner!: User;

  @Field()
  @Property({ type: "text" })
  name!: string;

  @Property({ type: "text", hidden: true })
  secretHash!: string;

  @Field(() => [String])
  @Property({ type: "text[]" })
  scopes: string[] = [];

  @Field()
  @Property({ type: "timestamptz" })
  createdAt: Date = new Date();

  @Field(() => Date, { nullable: true })
  @Property({ type: "timestamptz", nullable: true })
  lastUsedAt: Date | null = null;

  @Field(() => Date, { nullable: true })
  @Property({ type: "timestamptz", nullable: true })
  revokedAt: Date | null = null;
}

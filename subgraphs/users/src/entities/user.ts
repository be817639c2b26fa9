import { Access, CacheHint, DEFAULT_CACHE_MAX_AGE } from "@solo/kit";
import { randomUUID } from "node:crypto";
import { OptionalProps } from "@mikro-orm/core";
import { Entity, Index, Enum, PrimaryKey, Property } from "@mikro-orm/decorators/legacy";
import { Directive, Field, ID, ObjectType } from "type-graphql";
import { Plan, Role } from "./enums";

/**
 * An account. Other subgraphs extend it by key; fields that only the account itself and admins may
 * read (email, plan, timezone, apiKeys) are resolved in UserFieldsResolver.
 */
@ObjectType({ description: "A person with an account" })
@Access({ withParent: true })
@CacheHint({ maxAge: DEFAULT_CACHE_MAX_AGE })
@Directive('@key(fields: "id")')
@Entity({ tableName: "users" })
@Index({ properties: ["createdAt", "id"] })
export class User {
  [OptionalProps]?: "role" | "plan" | "timezone" | "createdAt" | "updatedAt" | "avatarAssetId" | "emailVerifiedAt";

  @Field(() => ID, { description: "The account's id (a UUID); stable for the account's life" })
  @PrimaryKey({ type: "uuid" })
  id: string = randomUUID();

  @Property({ type: "text" })
  email!: string;

  /** Lower-cased email: uniqueness and login are case-insensitive. */
  @Property({ type: "text", unique: true })
  emailNormalized!: string;

  @Property({ type: "text", hidden: true, lazy: true })
  passwordHash!: string;

  @Field({ description: "The name the person shows others (1 to 80 characters); public" })
  @Property({ type: "text" })
  displayName!: string;

  @Field(() => Role, { description: "What the account may do; public" })
  @Enum({ items: () => Role, type: "text" })
  role: Role = Role.STUDENT;

  @Enum({ items: () => Plan, type: "text" })
  plan: Plan = Plan.FREE;

  @Property({ type: "text" })
  timezone: string = "UTC";

  /** A READY AVATAR upload in the content subgraph, which resolves `avatar` from it. */
  @Field(() => ID, { nullable: true })
  @Directive("@inaccessible")
  @Property({ type: "uuid", nullable: true })
  avatarAssetId: string | null = null;

  /** Set when the owner opened a verification link: until then the address is only claimed. */
  @Property({ type: "timestamptz", nullable: true })
  emailVerifiedAt: Date | null = null;

  @Field({ description: "When the account was registered" })
  @Property({ type: "timestamptz" })
  createdAt: Date = new Date();

  @Property({ type: "timestamptz", onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

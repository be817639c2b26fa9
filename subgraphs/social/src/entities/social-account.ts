import { randomUUID } from "node:crypto";
import { OptionalProps } from "@mikro-orm/core";
import { Entity, Enum, Index, PrimaryKey, Property } from "@mikro-orm/decorators/legacy";
import { Access } from "@solo/kit";
import { Directive, Field, ID, Int, ObjectType } from "type-graphql";
import { SocialAccountStatus, SocialPlatform } from "./enums";

/**
 * An account on a social platform, connected by its owner with the platform's access token. The
 * token is kept sealed (token-cipher.ts) and is no field of the type: nothing returns it. Reached
 * only through fields whose rules admit the owner and admins, so its fields are plain data.
 */
@ObjectType({ description: "A connected social account, its owner's and admins' only" })
@Access({ withParent: true })
@Directive('@key(fields: "id")')
@Entity({ tableName: "accounts" })
@Index({ properties: ["ownerId", "createdAt"] })
// One SOLO account holds a platform account at a time; a disconnected one may be connected again.
@Index({
  name: "accounts_one_connection",
  expression: `create unique index "accounts_one_connection" on "social"."accounts" ("platform", "platform_user_id") where "status" <> 'DISCONNECTED'`,
})
export class SocialAccount {
  [OptionalProps]?: "status" | "followersCount" | "postsCount" | "lastSyncedAt" | "tokenExpiresAt" | "createdAt" | "updatedAt";

  @Field(() => ID, { description: "The connection's id (a UUID)" })
  @PrimaryKey({ type: "uuid" })
  id: string = randomUUID();

  @Property({ type: "uuid" })
  ownerId!: string;

  @Field(() => SocialPlatform, { description: "Where the account lives" })
  @Enum({ items: () => SocialPlatform, type: "text" })
  platform!: SocialPlatform;

  @Field({ description: "The account's name on the platform, as the platform spells it" })
  @Property({ type: "text" })
  handle!: string;

  /** The platform's id for the account (Instagram's user id): where posts are published. */
  @Property({ type: "text" })
  platformUserId!: string;

  /** The access token, sealed with AES-256-GCM (see TokenCipher); never a field. */
  @Property({ type: "text", lazy: true })
  tokenSealed!: string;

  @Field(() => SocialAccountStatus, { description: "Whether posts can be published and metrics recorded" })
  @Enum({ items: () => SocialAccountStatus, type: "text" })
  status: SocialAccountStatus = SocialAccountStatus.ACTIVE;

  @Field(() => Date, { description: "When the stored access token stops working; null if the platform did not say", nullable: true })
  @Property({ type: "timestamptz", nullable: true })
  tokenExpiresAt: Date | null = null;

  @Field(() => Int, { description: "Followers as last recorded" })
  @Property({ type: "integer" })
  followersCount: number = 0;

  @Field(() => Int, { description: "Posts with metrics here" })
  @Property({ type: "integer" })
  postsCount: number = 0;

  @Field(() => Date, { nullable: true, description: "When metrics last arrived" })
  @Property({ type: "timestamptz", nullable: true })
  lastSyncedAt: Date | null = null;

  @Field({ description: "When it was connected" })
  @Property({ type: "timestamptz" })
  createdAt: Date = new Date();

  @Property({ type: "timestamptz" })
  updatedAt: Date = new Date();
}

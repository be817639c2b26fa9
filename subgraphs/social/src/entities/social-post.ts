import { randomUUID } from "node:crypto";
import { OptionalProps } from "@mikro-orm/core";
import { Entity, Index, PrimaryKey, Property, Unique } from "@mikro-orm/decorators/legacy";
import { Access } from "@solo/kit";
import { Directive, Field, Float, ID, Int, ObjectType } from "type-graphql";

/**
 * A post on a connected account with its latest metrics: from the platform's sync or a partner
 * integration (recordPostMetrics, upserted by account and the platform's id), or published here.
 */
@ObjectType({ description: "A published post and its latest metrics" })
@Access({ withParent: true })
@Directive('@key(fields: "id")')
@Entity({ tableName: "posts" })
@Unique({ properties: ["accountId", "externalId"] })
@Index({ properties: ["accountId", "publishedAt"] })
export class SocialPost {
  [OptionalProps]?: "caption" | "permalink" | "createdAt" | "updatedAt";

  @Field(() => ID, { description: "The post's id here (a UUID)" })
  @PrimaryKey({ type: "uuid" })
  id: string = randomUUID();

  @Property({ type: "uuid" })
  accountId!: string;

  @Field({ description: "The platform's id for the post" })
  @Property({ type: "text" })
  externalId!: string;

  @Field(() => String, { description: "Its caption; null if not recorded", nullable: true })
  @Property({ type: "text", nullable: true })
  caption: string | null = null;

  @Field(() => String, { description: "Its URL on the platform; null if not recorded", nullable: true })
  @Property({ type: "text", nullable: true })
  permalink: string | null = null;

  @Field({ description: "When it was published" })
  @Property({ type: "timestamptz" })
  publishedAt!: Date;

  @Field(() => Int, { description: "Likes, as last recorded" })
  @Property({ type: "integer" })
  likes!: number;

  @Field(() => Int, { description: "Comments, as last recorded" })
  @Property({ type: "integer" })
  comments!: number;

  @Field(() => Int, { description: "Saves, as last recorded" })
  @Property({ type: "integer" })
  saves!: number;

  @Field(() => Int, { description: "Shares, as last recorded" })
  @Property({ type: "integer" })
  shares!: number;

  @Field(() => Int, { description: "Accounts that saw it, as last recorded" })
  @Property({ type: "integer" })
  reach!: number;

  @Field(() => Int, { description: "Times it was shown, as last recorded" })
  @Property({ type: "integer" })
  impressions!: number;

  @Field(() => Float, { description: "(likes + comments + saves + shares) ÷ reach × 100; 0 when reach is 0" })
  @Property({ type: "double" })
  engagementRate!: number;

  @Property({ type: "timestamptz" })
  createdAt: Date = new Date();

  @Property({ type: "timestamptz" })
  updatedAt: Date = new Date();
}

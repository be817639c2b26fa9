import { randomUUID } from "node:crypto";
import { OptionalProps } from "@mikro-orm/core";
import { Entity, Index, PrimaryKey, Property } from "@mikro-orm/decorators/legacy";
import { Access } from "@solo/kit";
import { Directive, Field, ID, ObjectType } from "type-graphql";

/** A campaign leads come from and sign up through: its owner's and admins' only. */
@ObjectType({ description: "A marketing campaign" })
@Access({ withParent: true })
@Directive('@key(fields: "id")')
@Entity({ tableName: "campaigns" })
@Index({ properties: ["ownerId", "startsAt"] })
// `campaigns`: one owner's, newest first, by the (createdAt, id) cursor.
@Index({ properties: ["ownerId", "createdAt", "id"] })
export class Campaign {
  [OptionalProps]?: "endsAt" | "createdAt";

  @Field(() => ID, { description: "The campaign's id (a UUID)" })
  @PrimaryKey({ type: "uuid" })
  id: string = randomUUID();

  @Property({ type: "uuid" })
  ownerId!: string;

  @Field({ description: "The campaign's name, 1 to 200 characters" })
  @Property({ type: "text" })
  name!: string;

  @Field({ description: "Where it runs: email, instagram, webinar…" })
  @Property({ type: "text" })
  channel!: string;

  @Field({ description: "When it starts" })
  @Property({ type: "timestamptz" })
  startsAt!: Date;

  @Field(() => Date, { description: "When it ends; null while open-ended", nullable: true })
  @Property({ type: "timestamptz", nullable: true })
  endsAt: Date | null = null;

  @Field({ description: "When it was created" })
  @Property({ type: "timestamptz" })
  createdAt: Date = new Date();
}

/** Someone who signed up through a campaign, matched to a lead by email. */
@ObjectType({ description: "A signup through a campaign" })
@Access({ withParent: true })
@Entity({ tableName: "signups" })
@Index({ properties: ["campaignId", "createdAt"] })
export class Signup {
  [OptionalProps]?: "name" | "leadId" | "userId" | "createdAt";

  @Field(() => ID, { description: "The signup's id (a UUID)" })
  @PrimaryKey({ type: "uuid" })
  id: string = randomUUID();

  @Property({ type: "uuid" })
  campaignId!: string;

  @Field({ description: "The address that signed up" })
  @Property({ type: "text" })
  email!: string;

  @Field(() => String, { description: "The name given; null if none", nullable: true })
  @Property({ type: "text", nullable: true })
  name: string | null = null;

  @Property({ type: "uuid", nullable: true })
  leadId: string | null = null;

  @Property({ type: "uuid", nullable: true })
  userId: string | null = null;

  @Field({ description: "When it was recorded" })
  @Property({ type: "timestamptz" })
  createdAt: Date = new Date();
}

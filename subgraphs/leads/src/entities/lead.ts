import { randomUUID } from "node:crypto";
import { OptionalProps } from "@mikro-orm/core";
import { Entity, Enum, Index, PrimaryKey, Property } from "@mikro-orm/decorators/legacy";
import { FullTextType } from "@mikro-orm/postgresql";
import { Access } from "@solo/kit";
import { Directive, Field, ID, Int, ObjectType } from "type-graphql";
import { LeadStatus } from "./enums";

/**
 * A prospect a marketer (or a partner CRM, with an API key) keeps: scored by the owner's weights
 * over its signals. Reached only through fields whose rules admit its owner and admins, so its
 * fields are plain data.
 */
@ObjectType({ description: "A lead: its owner's and admins' only" })
@Access({ withParent: true })
@Directive('@key(fields: "id")')
@Entity({ tableName: "leads" })
@Index({ properties: ["ownerId", "score", "id"] })
@Index({ properties: ["ownerId", "createdAt", "id"] })
@Index({ properties: ["ownerId", "name", "id"] })
@Index({ properties: ["campaignId"] })
@Index({ properties: ["ownerId", "updatedAt"] })
// One lead per email per owner (emails compared without case): imports and signups match by it.
@Index({
  name: "leads_owner_email",
  expression: `create unique index "leads_owner_email" on "leads"."leads" ("owner_id", lower("email")) where "email" is not null`,
})
export class Lead {
  [OptionalProps]?:
    | "email"
    | "title"
    | "company"
    | "location"
    | "linkedinUrl"
    | "source"
    | "campaignId"
    | "status"
    | "score"
    | "convertedUserId"
    | "createdAt"
    | "updatedAt"
    | "searchVector";

  @Field(() => ID, { description: "The lead's id (a UUID)" })
  @PrimaryKey({ type: "uuid" })
  id: string = randomUUID();

  @Property({ type: "uuid" })
  ownerId!: string;

  @Field({ description: "The person's name" })
  @Property({ type: "text" })
  name!: string;

  @Field(() => String, { description: "The person's address; unique among the owner's leads; null if unknown", nullable: true })
  @Property({ type: "text", nullable: true })
  email: string | null = null;

  @Field(() => String, { description: "Job title; null if unknown", nullable: true })
  @Property({ type: "text", nullable: true })
  title: string | null = null;

  @Field(() => String, { description: "Employer; null if unknown", nullable: true })
  @Property({ type: "text", nullable: true })
  company: string | null = null;

  @Field(() => String, { description: "Where the person is; null if unknown", nullable: true })
  @Property({ type: "text", nullable: true })
  location: string | null = null;

  @Field(() => String, { description: "LinkedIn profile URL; null if unknown", nullable: true })
  @Property({ type: "text", nullable: true })
  linkedinUrl: string | null = null;

  @Field(() => String, { nullable: true, description: "Where the lead came from (an import, a form, a partner…)" })
  @Property({ type: "text", nullable: true })
  source: string | null = null;

  @Property({ type: "uuid", nullable: true })
  campaignId: string | null = null;

  @Field(() => LeadStatus, { description: "Where the lead is in the pipeline" })
  @Enum({ items: () => LeadStatus, type: "text" })
  status: LeadStatus = LeadStatus.NEW;

  @Field(() => Int, { description: "round(100 × Σ wᵢ·sᵢ ÷ Σ wᵢ) over the owner's scoring weights" })
  @Property({ type: "integer" })
  score: number = 0;

  /** The account that signed up with the lead's email (users owns accounts). */
  @Property({ type: "uuid", nullable: true })
  convertedUserId: string | null = null;

  @Field({ description: "When the lead was added" })
  @Property({ type: "timestamptz" })
  createdAt: Date = new Date();

  @Field({ description: "When the lead last changed" })
  @Property({ type: "timestamptz" })
  updatedAt: Date = new Date();

  /** Name (A), company (B), title, location and email (C), for `leads(filter: {search})`. */
  @Index({ type: "fulltext" })
  @Property({
    type: new FullTextType("simple"),
    lazy: true,
    hidden: true,
    onCreate: (lead: Lead) => leadSearchText(lead),
    onUpdate: (lead: Lead) => leadSearchText(lead),
  })
  searchVector?: unknown;
}

/** What the search column holds, by weight (imports write the same through SQL: see leadSearchSql). */
export function leadSearchText(lead: Pick<Lead, "name" | "company" | "title" | "location" | "email">) {
  return { A: lead.name, B: lead.company ?? "", C: [lead.title, lead.location, lead.email].filter(Boolean).join(" ") };
}

/**
 * The search column in SQL, over column expressions: exactly what MikroORM's FullTextType writes
 * for leadSearchText above: setweight(to_tsvector('simple', x), W) joined by ||, with
 * C the non-empty of title, location and email joined by a space. Stored fields are never '' (an
 * empty cell is null), so concat_ws, which skips nulls, joins the same words.
 */
export function leadSearchSql(column: (name: "name" | "company" | "title" | "location" | "email") => string = (name) => name): string {
  return (
    `setweight(to_tsvector('simple', ${column("name")}), 'A') || ` +
    `setweight(to_tsvector('simple', coalesce(${column("company")}, '')), 'B') || ` +
    `setweight(to_tsvector('simple', concat_ws(' ', ${column("title")}, ${column("location")}, ${column("email")})), 'C')`
  );
}

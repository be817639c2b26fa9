import { randomUUID } from "node:crypto";
import { OptionalProps } from "@mikro-orm/core";
import { Entity, Index, PrimaryKey, Property } from "@mikro-orm/decorators/legacy";
import { Access } from "@solo/kit";
import { Field, ID, Int, ObjectType } from "type-graphql";

/** One run of importLeads over an uploaded CSV: its progress while it runs, its counts after. */
@ObjectType({ description: "An import of leads from a CSV upload, as it runs" })
@Access({ withParent: true })
@Entity({ tableName: "lead_imports" })
@Index({ properties: ["assetId", "startedAt"] })
export class LeadImport {
  [OptionalProps]?: "rowsProcessed" | "imported" | "updated" | "skipped" | "finishedAt" | "startedAt";

  @PrimaryKey({ type: "uuid" })
  id: string = randomUUID();

  @Field(() => ID, { description: "The uploaded file (a LEAD_IMPORT upload)" })
  @Property({ type: "uuid" })
  assetId!: string;

  @Property({ type: "uuid" })
  ownerId!: string;

  @Field(() => Int, { description: "Data rows read so far" })
  @Property({ type: "integer" })
  rowsProcessed: number = 0;

  @Field(() => Int, { description: "New leads created so far" })
  @Property({ type: "integer" })
  imported: number = 0;

  @Field(() => Int, { description: "Existing leads (same email) updated so far" })
  @Property({ type: "integer" })
  updated: number = 0;

  @Field(() => Int, { description: "Rows refused so far" })
  @Property({ type: "integer" })
  skipped: number = 0;

  @Field({ description: "When the import started" })
  @Property({ type: "timestamptz" })
  startedAt: Date = new Date();

  @Field(() => Date, { nullable: true, description: "Set when the import is over" })
  @Property({ type: "timestamptz", nullable: true })
  finishedAt: Date | null = null;
}

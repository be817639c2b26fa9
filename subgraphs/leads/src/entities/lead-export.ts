import { randomUUID } from "node:crypto";
import { OptionalProps } from "@mikro-orm/core";
import { Entity, Enum, Index, PrimaryKey, Property } from "@mikro-orm/decorators/legacy";
import { Access } from "@solo/kit";
import { Directive, Field, ID, Int, ObjectType } from "type-graphql";
import { ExportFormat, ExportStatus } from "./enums";

/**
 * An export of leads to a file in object storage, made in the background: its row is the job
 * (claimed with a lease, so a crashed export is taken up again and never stays RUNNING).
 */
@ObjectType({ description: "An export of your leads to a file" })
@Access({ withParent: true })
@Directive('@key(fields: "id")')
@Entity({ tableName: "lead_exports" })
@Index({ properties: ["ownerId", "createdAt"] })
@Index({
  name: "lead_exports_due",
  expression: `create index "lead_exports_due" on "leads"."lead_exports" ("created_at") where "status" in ('PENDING', 'RUNNING')`,
})
export class LeadExport {
  [OptionalProps]?: "status" | "recordCount" | "objectKey" | "error" | "attempts" | "claimToken" | "leaseUntil" | "startedAt" | "finishedAt" | "createdAt";

  @Field(() => ID, { description: "The export's id (a UUID), for leadExport(id:)" })
  @PrimaryKey({ type: "uuid" })
  id: string = randomUUID();

  @Property({ type: "uuid" })
  ownerId!: string;

  @Field(() => ExportFormat, { description: "The file's format" })
  @Enum({ items: () => ExportFormat, type: "text" })
  format!: ExportFormat;

  /** The LeadFilter it was asked with (null: every lead of the owner). */
  @Property({ type: "jsonb", nullable: true })
  filter: Record<string, unknown> | null = null;

  @Field(() => ExportStatus, { description: "Where the export stands" })
  @Enum({ items: () => ExportStatus, type: "text" })
  status: ExportStatus = ExportStatus.PENDING;

  @Field(() => Int, { description: "Rows written so far (all of them once READY)" })
  @Property({ type: "integer" })
  recordCount: number = 0;

  @Property({ type: "text", nullable: true })
  objectKey: string | null = null;

  @Field(() => String, { nullable: true, description: "Why it failed; null unless FAILED" })
  @Property({ type: "text", nullable: true })
  error: string | null = null;

  @Property({ type: "integer" })
  attempts: number = 0;

  @Property({ type: "uuid", nullable: true })
  claimToken: string | null = null;

  @Property({ type: "timestamptz", nullable: true })
  leaseUntil: Date | null = null;

  @Property({ type: "timestamptz", nullable: true })
  startedAt: Date | null = null;

  @Field(() => Date, { description: "When it became READY or FAILED; null while running", nullable: true })
  @Property({ type: "timestamptz", nullable: true })
  finishedAt: Date | null = null;

  @Field({ description: "When it was asked for" })
  @Property({ type: "timestamptz" })
  createdAt: Date = new Date();
}

import { Access, CacheHint } from "@solo/kit";
import { randomUUID } from "node:crypto";
import { OptionalProps } from "@mikro-orm/core";
import { Entity, Enum, Index, PrimaryKey, Property } from "@mikro-orm/decorators/legacy";
import { Directive, Field, ID, Int, ObjectType } from "type-graphql";
import { AssetRejection } from "./asset-rejection";
import { AssetStatus, UploadPurpose } from "./enums";

/** A file in object storage, uploaded by its owner through a presigned URL. */
@ObjectType({ description: "A file in object storage" })
@Access({ withParent: true })
// Its url is signed for DOWNLOAD_URL_TTL_SECONDS (900): a cached one stays usable for most of that.
@CacheHint({ maxAge: 60 })
@Directive('@key(fields: "id")')
@Entity({ tableName: "media_assets" })
@Index({ properties: ["status", "createdAt"] })
@Index({
  name: "media_assets_staging_to_remove",
  expression: `create index "media_assets_staging_to_remove" on "content"."media_assets" ("created_at") where "status" = 'READY' and "staging_removed_at" is null`,
})
export class MediaAsset {
  [OptionalProps]?: "status" | "createdAt" | "completedAt" | "stagingRemovedAt" | "completionClaim" | "completionLeaseUntil" | "rejectionReason";

  @Field(() => ID, { description: "The upload's id (a UUID): pass it as an *AssetId argument to attach the file" })
  @PrimaryKey({ type: "uuid" })
  id: string = randomUUID();

  @Index()
  @Property({ type: "uuid" })
  ownerId!: string;

  @Field({ description: "Where the checked file is stored: users/<owner id>/<purpose>/<asset id>" })
  @Property({ type: "text", unique: true })
  key!: string;

  @Field(() => UploadPurpose, { description: "What the file is for; decides who may see it and where it may be attached" })
  @Enum({ items: () => UploadPurpose, type: "text" })
  purpose!: UploadPurpose;

  @Field({ description: "The name the uploader gave the file, for display" })
  @Property({ type: "text" })
  filename!: string;

  @Field({ description: "The file's MIME type as declared, e.g. image/png" })
  @Property({ type: "text" })
  contentType!: string;

  @Field(() => Int, { description: "The file's size in bytes as declared (checked by completeUpload)" })
  @Property({ type: "integer" })
  sizeBytes!: number;

  @Field(() => AssetStatus, { description: "PENDING until completeUpload checks the file, then READY or REJECTED" })
  @Enum({ items: () => AssetStatus, type: "text" })
  status: AssetStatus = AssetStatus.PENDING;

  @Field(() => AssetRejection, { nullable: true, description: "Why the asset is REJECTED (declared vs found); null unless REJECTED" })
  @Property({ type: "jsonb", nullable: true })
  rejectionReason: AssetRejection | null = null;

  @Field({ description: "When the upload was requested" })
  @Property({ type: "timestamptz" })
  createdAt: Date = new Date();

  @Property({ type: "timestamptz", nullable: true })
  completedAt: Date | null = null;

  /**
   * When the sweep removed the staging object of a READY asset, after its upload URL expired (a
   * PUT through that URL may land there after completion). Null until then.
   */
  @Property({ type: "timestamptz", nullable: true })
  stagingRemovedAt: Date | null = null;

  /** The completion working on this PENDING asset (see `completeAsset`), while its lease lasts. */
  @Property({ type: "uuid", nullable: true })
  completionClaim: string | null = null;

  @Property({ type: "timestamptz", nullable: true })
  completionLeaseUntil: Date | null = null;
}

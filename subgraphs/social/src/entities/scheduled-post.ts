import { randomUUID } from "node:crypto";
import { OptionalProps } from "@mikro-orm/core";
import { Entity, Enum, Index, PrimaryKey, Property } from "@mikro-orm/decorators/legacy";
import { Access } from "@solo/kit";
import { Directive, Field, ID, Int, ObjectType } from "type-graphql";
import { ScheduledPostStatus } from "./enums";

/**
 * A post to publish at `scheduledFor`. The publisher (publisher/) claims it with a lease, creates
 * the platform's media container and keeps its id before publishing it, so a retry after a crash
 * finds the container published instead of making a second post.
 */
@ObjectType({ description: "A post waiting for, or done with, publishing" })
@Access({ withParent: true })
@Directive('@key(fields: "id")')
@Entity({ tableName: "scheduled_posts" })
@Index({ properties: ["accountId", "scheduledFor"] })
@Index({
  name: "scheduled_posts_due",
  expression: `create index "scheduled_posts_due" on "social"."scheduled_posts" ("next_attempt_at") where "status" in ('SCHEDULED', 'PUBLISHING')`,
})
@Index({
  name: "scheduled_posts_publish_slots",
  expression: `create index "scheduled_posts_publish_slots" on "social"."scheduled_posts" ("account_id", "slot_taken_at") where "slot_taken_at" is not null`,
})
export class ScheduledPost {
  [OptionalProps]?:
    | "status"
    | "hashtags"
    | "mediaAssetId"
    | "promotesCourseId"
    | "attempts"
    | "lastError"
    | "containerId"
    | "publishedMediaId"
    | "publishedAt"
    | "claimToken"
    | "claimedBy"
    | "leaseUntil"
    | "slotTakenAt"
    | "createdAt"
    | "updatedAt";

  @Field(() => ID, { description: "The scheduled post's id (a UUID)" })
  @PrimaryKey({ type: "uuid" })
  id: string = randomUUID();

  @Property({ type: "uuid" })
  accountId!: string;

  /** Who scheduled it: the account's owner (or an admin acting on it). */
  @Property({ type: "uuid" })
  ownerId!: string;

  @Field({ description: "The caption, without the hashtags" })
  @Property({ type: "text" })
  caption!: string;

  @Field(() => [String], { description: "Hashtags added to the caption when published, without their #" })
  @Property({ type: "text[]" })
  hashtags: string[] = [];

  @Property({ type: "uuid", nullable: true })
  mediaAssetId: string | null = null;

  @Property({ type: "uuid", nullable: true })
  promotesCourseId: string | null = null;

  @Field({ description: "When it is to be published" })
  @Property({ type: "timestamptz" })
  scheduledFor!: Date;

  @Field(() => ScheduledPostStatus, { description: "Where publishing stands" })
  @Enum({ items: () => ScheduledPostStatus, type: "text" })
  status: ScheduledPostStatus = ScheduledPostStatus.SCHEDULED;

  @Field(() => Int, { description: "Calls to the platform made to publish it" })
  @Property({ type: "integer" })
  attempts: number = 0;

  @Field(() => String, { nullable: true, description: "Why the last attempt failed" })
  @Property({ type: "text", nullable: true })
  lastError: string | null = null;

  /** When a publisher may next take it up: `scheduledFor`, then after each backoff or a full day's quota. */
  @Property({ type: "timestamptz" })
  nextAttemptAt!: Date;

  /** The platform's media container, kept before `media_publish` is called. */
  @Property({ type: "text", nullable: true })
  containerId: string | null = null;

  @Property({ type: "text", nullable: true })
  publishedMediaId: string | null = null;

  @Field(() => Date, { description: "When it was published; null until then", nullable: true })
  @Property({ type: "timestamptz", nullable: true })
  publishedAt: Date | null = null;

  /** The claim of the publisher working on it; a new claim replaces it when the lease has run out. */
  @Property({ type: "uuid", nullable: true })
  claimToken: string | null = null;

  /** Which publisher holds the claim (`host:pid:…`): for the logs and whoever investigates. */
  @Property({ type: "text", nullable: true })
  claimedBy: string | null = null;

  @Property({ type: "timestamptz", nullable: true })
  leaseUntil: Date | null = null;

  /** When it took one of its account's 24-hour publishing slots (just before media_publish). */
  @Property({ type: "timestamptz", nullable: true })
  slotTakenAt: Date | null = null;

  @Field({ description: "When it was scheduled" })
  @Property({ type: "timestamptz" })
  createdAt: Date = new Date();

  @Property({ type: "timestamptz" })
  updatedAt: Date = new Date();
}

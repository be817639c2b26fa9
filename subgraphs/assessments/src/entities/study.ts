import { Access } from "@solo/kit";
import { randomUUID } from "node:crypto";
import { OptionalProps } from "@mikro-orm/core";
import { Entity, Enum, Index, PrimaryKey, Property, Unique } from "@mikro-orm/decorators/legacy";
import { Directive, Field, Float, ID, Int, ObjectType } from "type-graphql";
import { StudySessionStatus } from "./enums";

/** A live study session. At most one ACTIVE per user (a partial unique index). */
@ObjectType({ description: "A study session on a course, and optionally a lesson" })
@Access({ withParent: true })
@Directive('@key(fields: "id")')
@Entity({ tableName: "study_sessions" })
@Index({ properties: ["status", "lastActivityAt"] })
@Index({ properties: ["userId", "startedAt"] })
@Index({
  name: "study_sessions_one_active",
  expression: `create unique index "study_sessions_one_active" on "assessments"."study_sessions" ("user_id") where "status" = 'ACTIVE'`,
})
export class StudySession {
  [OptionalProps]?: "status" | "endedAt" | "progressPercent" | "focusSeconds" | "lessonId";

  @Field(() => ID, { description: "The session's id (a UUID)" })
  @PrimaryKey({ type: "uuid" })
  id: string = randomUUID();

  @Property({ type: "uuid" })
  userId!: string;

  @Index()
  @Property({ type: "uuid" })
  courseId!: string;

  @Property({ type: "uuid", nullable: true })
  lessonId: string | null = null;

  @Field(() => StudySessionStatus, { description: "ACTIVE or ENDED" })
  @Enum({ items: () => StudySessionStatus, type: "text" })
  status: StudySessionStatus = StudySessionStatus.ACTIVE;

  @Field({ description: "When the session started" })
  @Property({ type: "timestamptz" })
  startedAt!: Date;

  @Field(() => Date, { description: "When it ended (by endStudySession, a new session, or idling); null while ACTIVE", nullable: true })
  @Property({ type: "timestamptz", nullable: true })
  endedAt: Date | null = null;

  @Property({ type: "timestamptz" })
  lastActivityAt!: Date;

  @Field(() => Float, { description: "0-100, never goes down" })
  @Property({ type: "double" })
  progressPercent: number = 0;

  @Field(() => Int, { description: "Focused time reported so far, in seconds" })
  @Property({ type: "integer" })
  focusSeconds: number = 0;
}

@Entity({ tableName: "lesson_completions" })
@Unique({ properties: ["userId", "lessonId"] })
@Index({ properties: ["userId", "courseId"] })
export class LessonCompletion {
  @PrimaryKey({ type: "uuid" })
  id: string = randomUUID();

  @Property({ type: "uuid" })
  userId!: string;

  @Property({ type: "uuid" })
  lessonId!: string;

  @Property({ type: "uuid" })
  courseId!: string;

  @Property({ type: "timestamptz" })
  completedAt!: Date;
}

/** A user's SM-2 state for one card. */
@Entity({ tableName: "flashcard_reviews" })
@Unique({ properties: ["userId", "cardId"] })
@Index({ properties: ["userId", "deckId", "dueAt"] })
export class FlashcardReview {
  @PrimaryKey({ type: "uuid" })
  id: string = randomUUID();

  @Property({ type: "uuid" })
  userId!: string;

  @Property({ type: "uuid" })
  cardId!: string;

  @Property({ type: "uuid" })
  deckId!: string;

  @Property({ type: "double" })
  easiness!: number;

  @Property({ type: "double" })
  intervalDays!: number;

  @Property({ type: "integer" })
  repetitions!: number;

  @Property({ type: "timestamptz" })
  dueAt!: Date;

  @Property({ type: "timestamptz" })
  lastReviewedAt!: Date;
}

/** Every review, kept: streaks count the days with one. */
@Entity({ tableName: "review_events" })
@Index({ properties: ["userId", "reviewedAt"] })
export class ReviewEvent {
  @PrimaryKey({ type: "uuid" })
  id: string = randomUUID();

  @Property({ type: "uuid" })
  userId!: string;

  @Property({ type: "uuid" })
  cardId!: string;

  @Property({ type: "integer" })
  grade!: number;

  @Property({ type: "timestamptz" })
  reviewedAt!: Date;
}

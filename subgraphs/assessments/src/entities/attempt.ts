import { Access } from "@solo/kit";
import { randomUUID } from "node:crypto";
import { OptionalProps } from "@mikro-orm/core";
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Unique } from "@mikro-orm/decorators/legacy";
import { Directive, Field, Float, ID, Int, ObjectType } from "type-graphql";
import { AttemptStatus } from "./enums";
import { MockTest, Question } from "./mock-test";

/**
 * One sitting of a test. At most one IN_PROGRESS per user and test, and at most one ranked (both
 * partial unique indexes).
 */
@ObjectType({ description: "One sitting of a mock test" })
@Access({ withParent: true })
@Directive('@key(fields: "id")')
@Entity({ tableName: "attempts" })
@Index({ properties: ["test", "status", "score"] })
@Index({
  name: "attempts_one_in_progress",
  expression: `create unique index "attempts_one_in_progress" on "assessments"."attempts" ("test_id", "user_id") where "status" = 'IN_PROGRESS'`,
})
@Index({
  name: "attempts_one_ranked",
  expression: `create unique index "attempts_one_ranked" on "assessments"."attempts" ("test_id", "user_id") where "ranked"`,
})
// The leaderboard's order: its first rows without sorting every ranked attempt of the test.
@Index({
  name: "attempts_ranked_leaderboard",
  expression: `create index "attempts_ranked_leaderboard" on "assessments"."attempts" ("test_id", "score" desc, "submitted_at", "user_id") where "ranked"`,
})
@Index({ properties: ["userId", "submittedAt"] })
export class Attempt {
  [OptionalProps]?: "status" | "ranked" | "submittedAt" | "score" | "maxScore" | "correctCount" | "incorrectCount" | "unansweredCount" | "createdAt";

  @Field(() => ID, { description: "The attempt's id (a UUID)" })
  @PrimaryKey({ type: "uuid" })
  id: string = randomUUID();

  @ManyToOne(() => MockTest, { deleteRule: "cascade" })
  test!: MockTest;

  @Property({ type: "uuid" })
  userId!: string;

  @Field(() => AttemptStatus, { description: "IN_PROGRESS, then SUBMITTED or EXPIRED" })
  @Enum({ items: () => AttemptStatus, type: "text" })
  status: AttemptStatus = AttemptStatus.IN_PROGRESS;

  @Field({ description: "When the attempt started" })
  @Property({ type: "timestamptz" })
  startedAt!: Date;

  @Field({ description: "startedAt + the test's duration: later answers are refused" })
  @Property({ type: "timestamptz" })
  deadline!: Date;

  /** Decided once, when the attempt is finalized: see finalizeAttempt. */
  @Field({
    description:
      "The user's first submitted attempt on the test: the one on the leaderboard and in other users' percentiles. " +
      "False while in progress and for later (practice) attempts",
  })
  @Property({ type: "boolean", default: false })
  ranked: boolean = false;

  @Field(() => Date, { description: "When it was submitted; null while in progress", nullable: true })
  @Property({ type: "timestamptz", nullable: true })
  submittedAt: Date | null = null;

  @Field(() => Float, { nullable: true, description: "Marks earned, after negative marking (may be below 0); null until submitted" })
  @Property({ type: "double", nullable: true })
  score: number | null = null;

  @Field(() => Float, { description: "The test's total marks; null until submitted", nullable: true })
  @Property({ type: "double", nullable: true })
  maxScore: number | null = null;

  @Field(() => Int, { description: "Questions answered right; null until submitted", nullable: true })
  @Property({ type: "integer", nullable: true })
  correctCount: number | null = null;

  @Field(() => Int, { description: "Questions answered wrong (each costs marks × negativeMarking); null until submitted", nullable: true })
  @Property({ type: "integer", nullable: true })
  incorrectCount: number | null = null;

  @Field(() => Int, { description: "Questions left unanswered; null until submitted", nullable: true })
  @Property({ type: "integer", nullable: true })
  unansweredCount: number | null = null;

  /** For keyset pagination (startedAt can repeat across users; createdAt + id cannot collide). */
  @Property({ type: "timestamptz" })
  createdAt: Date = new Date();
}

@Entity({ tableName: "answers" })
@Unique({ properties: ["attempt", "question"] })
export class Answer {
  @PrimaryKey({ type: "uuid" })
  id: string = randomUUID();

  @ManyToOne(() => Attempt, { deleteRule: "cascade" })
  attempt!: Attempt;

  @ManyToOne(() => Question, { deleteRule: "cascade" })
  question!: Question;

  /** 0-based option, or null for a cleared answer. */
  @Property({ type: "integer", nullable: true })
  choice!: number | null;

  @Property({ type: "timestamptz" })
  answeredAt!: Date;
}

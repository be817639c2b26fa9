import { Access } from "@solo/kit";
import { randomUUID } from "node:crypto";
import { OptionalProps } from "@mikro-orm/core";
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Unique } from "@mikro-orm/decorators/legacy";
import { Directive, Field, Float, ID, Int, ObjectType } from "type-graphql";
import { Difficulty, TestStatus } from "./enums";

/** A timed mock test: drafts are seen by their author and admins only. */
@ObjectType({ description: "A timed mock test with negative marking" })
@Access({ withParent: true })
@Directive('@key(fields: "id")')
@Entity({ tableName: "mock_tests" })
@Index({ properties: ["status", "createdAt", "id"] })
export class MockTest {
  [OptionalProps]?: "status" | "createdAt" | "publishedAt" | "courseId" | "maxAttempts";

  @Field(() => ID, { description: "The test's id (a UUID)" })
  @PrimaryKey({ type: "uuid" })
  id: string = randomUUID();

  @Field({ description: "The test's title, 3 to 200 characters" })
  @Property({ type: "text" })
  title!: string;

  @Index()
  @Property({ type: "uuid", nullable: true })
  courseId: string | null = null;

  @Index()
  @Property({ type: "uuid" })
  authorId!: string;

  @Field(() => Int, { description: "Time allowed for one attempt, in minutes (1 to 600)" })
  @Property({ type: "integer" })
  durationMinutes!: number;

  @Field(() => Float, { description: "Share of a question's marks taken off for a wrong answer (0.25 for CLAT)" })
  @Property({ type: "double" })
  negativeMarking!: number;

  @Field(() => Int, { description: "Expected number of exam takers, for rank prediction" })
  @Property({ type: "integer" })
  candidates!: number;

  @Field(() => Int, { nullable: true, description: "Attempts one user may start on this test; null: unlimited" })
  @Property({ type: "integer", nullable: true })
  maxAttempts: number | null = null;

  @Field(() => TestStatus, { description: "DRAFT (its author and admins only) or PUBLISHED" })
  @Enum({ items: () => TestStatus, type: "text" })
  status: TestStatus = TestStatus.DRAFT;

  @Field(() => Date, { description: "When it was published; null for a draft", nullable: true })
  @Property({ type: "timestamptz", nullable: true })
  publishedAt: Date | null = null;

  @Field({ description: "When the test was created" })
  @Property({ type: "timestamptz" })
  createdAt: Date = new Date();
}

@ObjectType({ description: "A multiple-choice question" })
@Access({ withParent: true })
@Entity({ tableName: "questions" })
@Unique({ properties: ["test", "position"] })
export class Question {
  @Field(() => ID, { description: "The question's id (a UUID)" })
  @PrimaryKey({ type: "uuid" })
  id: string = randomUUID();

  @ManyToOne(() => MockTest, { deleteRule: "cascade" })
  test!: MockTest;

  @Field(() => Int, { description: "1-based order within the test" })
  @Property({ type: "integer" })
  position!: number;

  @Field({ description: "The question's text (up to 5000 characters)" })
  @Property({ type: "text" })
  prompt!: string;

  @Field(() => [String], { description: "The choices, 2 to 6, in order; answers refer to them by 0-based index" })
  @Property({ type: "text[]" })
  options!: string[];

  /** 0-based; shown only to the author, admins, and takers who have submitted an attempt and are not sitting another. */
  @Property({ type: "integer" })
  correctOption!: number;

  @Field({ description: "Its subject, for the score breakdown by topic" })
  @Property({ type: "text" })
  topic!: string;

  @Field(() => Difficulty, { description: "How hard it is" })
  @Enum({ items: () => Difficulty, type: "text" })
  difficulty!: Difficulty;

  @Field(() => Float, { description: "Marks for a correct answer (0.25 to 100)" })
  @Property({ type: "double" })
  marks!: number;
}

import { LockMode } from "@mikro-orm/core";
import { CourseStatus } from "@solo/content/internal-api";
import { Access, badInput, isUuid, nextPosition, paginate, queueAudit } from "@solo/kit";
import { Arg, Ctx, FieldResolver, Float, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { Attempt, Course, MockTest, Question, TestStatus, User, ref } from "../entities";
import type { AssessmentsContext } from "../context";
import type { AssessmentsServices } from "../services";
import { answerRevealed, courseAuthorOrAdmin, testAuthorOrAdmin, visibleTest } from "../policies";
import { assessmentsReader, callerId, publishedOrAuthor } from "../services/visibility";
import { CreateMockTestInput, MockTestConnection, QuestionInput } from "./types";

const AUTHORS = ["INSTRUCTOR", "ADMIN"] as const;

export { visibleTest };

@Resolver(() => MockTest)
export class MockTestResolver {
  constructor(private readonly services: AssessmentsServices) {}

  @Access({ roles: [...AUTHORS], scope: "assessments:write", policy: courseAuthorOrAdmin })
  @Mutation(() => MockTest, { description: "A new draft test (instructors and admins)" })
  async createMockTest(@Arg("input", { description: "The new test" }) input: CreateMockTestInput, @Ctx() ctx: AssessmentsContext): Promise<MockTest> {
    const test = ctx.em.create(MockTest, {
      title: input.title.trim(),
      courseId: input.courseId ?? null,
      authorId: callerId(ctx.identity),
      durationMinutes: input.durationMinutes,
      negativeMarking: input.negativeMarking,
      candidates: input.candidates ?? 10_000,
      maxAttempts: input.maxAttempts ?? null,
      createdAt: this.services.clock.now(),
    });
    await ctx.em.flush();
    return test;
  }

  @Access({ roles: [...AUTHORS], scope: "assessments:write", policy: testAuthorOrAdmin })
  @Mutation(() => Question, { description: "Append a question to a draft test you author" })
  async addQuestion(
    @Arg("testId", () => ID, { description: "A draft test you author (any, for admins)" }) testId: string,
    @Arg("input", { description: "The new question" }) input: QuestionInput,
    @Ctx() ctx: AssessmentsContext,
  ): Promise<Question> {
    const test = await this.editableTest(testId, ctx);
    const published = () => badInput("A published test cannot change: its attempts were scored against it", "testId");
    if (test.status !== TestStatus.DRAFT) throw published();
    if (input.correctOption >= input.options.length) throw badInput("correctOption must be an index into options", "correctOption");
    if (input.options.some((option) => !option.trim())) throw badInput("options must not be blank", "options");
    return ctx.em.transactional(async (em) => {
      // Checked again under the test's lock, held until commit: a publish cannot land in between.
      const locked = await em.findOneOrFail(MockTest, { id: test.id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
      if (locked.status !== TestStatus.DRAFT) throw published();
      const position = await nextPosition(em, "assessments", { table: "mock_tests", id: test.id }, { table: "questions", parentColumn: "test_id" });
      return em.create(Question, {
        test: em.getReference(MockTest, test.id),
        position,
        prompt: input.prompt,
        options: input.options,
        correctOption: input.correctOption,
        topic: input.topic.trim(),
        difficulty: input.difficulty,
        marks: input.marks,
      });
    });
  }

  @Access({ roles: [...AUTHORS], scope: "assessments:write", policy: testAuthorOrAdmin })
  @Mutation(() => MockTest, { description: "Open a draft test you author to everyone; it needs a question" })
  async publishMockTest(
    @Arg("id", () => ID, { description: "A draft test you author (any, for admins)" }) id: string,
    @Ctx() ctx: AssessmentsContext,
  ): Promise<MockTest> {
    const test = await this.editableTest(id, ctx);
    if (test.status === TestStatus.PUBLISHED) return test;
    if (!(await ctx.loaders.questionsByTest.load(test.id)).length) throw badInput("A test needs at least one question before it can be published", "id");
    if (test.courseId) {
      // A test is as public as its course: publishing it first would show a draft course's tests.
      const { courses } = await this.services.content.lookup(ctx.identity, { courseIds: [test.courseId] });
      if (courses[0]?.status !== CourseStatus.PUBLISHED) throw badInput("Publish the test's course first", "id");
    }
    test.status = TestStatus.PUBLISHED;
    test.publishedAt = this.services.clock.now();
    queueAudit(ctx.em, ctx, "mock_test.published", { type: "MockTest", id: test.id }, { title: test.title });
    await ctx.em.flush();
    return test;
  }

  @Access({ roles: [...AUTHORS], scope: "assessments:write", policy: testAuthorOrAdmin })
  @Mutation(() => MockTest, { description: "Take a published test you author back to draft, while nobody has attempted it" })
  async unpublishMockTest(
    @Arg("id", () => ID, { description: "A published test you author (any, for admins)" }) id: string,
    @Ctx() ctx: AssessmentsContext,
  ): Promise<MockTest> {
    const test = await this.editableTest(id, ctx);
    if (test.status === TestStatus.DRAFT) return test;
    const { locked, unpublished } = await ctx.em.transactional(async (em) => {
      // Locked until commit: a start holds the test shared while it inserts its attempt, so this
      // waits for it and counts the attempt below, or the start waits and then finds a draft.
      const locked = await em.findOneOrFail(MockTest, { id: test.id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
      if (locked.status === TestStatus.DRAFT) return { locked, unpublished: false };
      // A draft can change, and attempts were scored against the questions as they are.
      if (await em.count(Attempt, { test: test.id })) throw badInput("A test that has been attempted cannot go back to draft", "id");
      locked.status = TestStatus.DRAFT;
      locked.publishedAt = null;
      queueAudit(em, ctx, "mock_test.unpublished", { type: "MockTest", id: test.id }, { title: locked.title });
      return { locked, unpublished: true };
    });
    // Its leaderboard is no longer everyone's: live subscribers read it again, and lose it.
    if (unpublished) await this.services.events.leaderboardChanged(test.id);
    return locked;
  }

  @Access({ publicData: true, scope: "assessments:read" })
  @Query(() => MockTestConnection, { description: "Published tests, newest first, optionally of one course" })
  mockTests(
    @Arg("courseId", () => ID, { description: "Only tests of this course", nullable: true }) courseId: string | null,
    @Arg("first", () => Int, { description: "Page size: 0 to 100, 20 by default", nullable: true }) first: number | null,
    @Arg("after", () => String, { description: "Cursor from a previous page's pageInfo.endCursor: the page starts after it", nullable: true }) after: string | null,
    @Ctx() ctx: AssessmentsContext,
  ): Promise<MockTestConnection> {
    const where: Record<string, unknown> = { status: TestStatus.PUBLISHED };
    if (courseId) where.courseId = isUuid(courseId) ? courseId : "00000000-0000-0000-0000-000000000000";
    return paginate(ctx.em, MockTest, where, { first, after, direction: "desc" });
  }

  @Access({ publicData: true, scope: "assessments:read", filter: publishedOrAuthor })
  @Query(() => MockTest, { nullable: true, description: "A test you may see" })
  mockTest(@Arg("id", () => ID, { description: "The test's id" }) id: string, @Ctx() ctx: AssessmentsContext): Promise<MockTest | null> {
    return visibleTest(id, ctx, assessmentsReader(ctx.identity));
  }

  /** The test testAuthorOrAdmin let the caller change, from the loader it was read through. */
  private async editableTest(id: string, ctx: AssessmentsContext): Promise<MockTest> {
    return (await visibleTest(id, ctx))!;
  }

  @FieldResolver(() => Course, { description: "The course whose students see the test; null for a standalone test", nullable: true })
  course(@Root() test: MockTest): Course | null {
    return test.courseId ? ref(Course, test.courseId) : null;
  }

  @FieldResolver(() => User, { description: "The account that wrote it (an instructor or an admin)" })
  author(@Root() test: MockTest): User {
    return ref(User, test.authorId);
  }

  @FieldResolver(() => [Question], { description: "In order; correct answers only for the author, admins, and those who have finished an attempt" })
  questions(@Root() test: MockTest, @Ctx() ctx: AssessmentsContext): Promise<Question[]> {
    return ctx.loaders.questionsByTest.load(test.id);
  }

  @FieldResolver(() => Int, { description: "How many questions the test has" })
  async questionCount(@Root() test: MockTest, @Ctx() ctx: AssessmentsContext): Promise<number> {
    return (await ctx.loaders.questionsByTest.load(test.id)).length;
  }

  @FieldResolver(() => Float, { description: "The highest possible score: the sum of the questions' marks" })
  async totalMarks(@Root() test: MockTest, @Ctx() ctx: AssessmentsContext): Promise<number> {
    const questions = await ctx.loaders.questionsByTest.load(test.id);
    return Math.round(questions.reduce((sum, question) => sum + question.marks, 0) * 1e6) / 1e6;
  }
}

@Resolver(() => Question)
export class QuestionResolver {
  /**
   * Only once the caller has submitted an attempt on the test, and never while they are sitting it
   * (again): the answers would be the test. Authors and admins always see them.
   */
  @Access({ withParent: true, policy: answerRevealed })
  @FieldResolver(() => Int, { nullable: true, description: "0-based; null until you may see it" })
  correctOption(@Root() question: Question): number | null {
    return question.correctOption;
  }
}

export async function resolveTestReference(reference: { id: string }, ctx: AssessmentsContext): Promise<MockTest | null> {
  return visibleTest(reference.id, ctx);
}

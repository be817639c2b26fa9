import { LockMode, UniqueConstraintViolationException } from "@mikro-orm/core";
import { Access, apiError, badInput, lockUntilCommit, notFound, CacheHint, DEFAULT_CACHE_MAX_AGE, subscriptionTopic } from "@solo/kit";
import { Arg, Ctx, FieldResolver, Float, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { Answer, Attempt, AttemptStatus, MockTest, Question, TestStatus, User, ref } from "../entities";
import type { AssessmentsContext } from "../context";
import { FINISHED } from "../loaders";
import type { AssessmentsServices } from "../services";
import type { AssessmentEvents } from "../services/events";
import { finalizeAttempt } from "../services/attempts";
import { leaderboard, percentileAmongRanked, predictRank, scoreAttempt } from "../services/formulas";
import { attemptOwnerOrAdmin, ownAttempt } from "../policies";
import { assessmentsReader, callerId, ownerOrAdminRows, publishedOrAuthor } from "../services/visibility";
import { visibleTest } from "./mock-test.resolver";
import { LeaderboardEntry, RankPrediction, TopicBreakdown } from "./types";

const attemptOver = () => apiError("BAD_USER_INPUT", "This attempt is over", { reason: "ATTEMPT_FINISHED" });

/** The attempt ownAttempt let the caller act on, from the loader it was read through. */
async function ownedAttempt(id: string, ctx: AssessmentsContext): Promise<Attempt> {
  return (await ctx.loaders.attemptById.load(id))!;
}

@Resolver(() => Attempt)
export class AttemptResolver {
  constructor(private readonly services: AssessmentsServices) {}

  @Access({ scope: "assessments:write", filter: publishedOrAuthor })
  @Mutation(() => Attempt, { description: "Start a published test, or return your attempt in progress (even at the test's maxAttempts)" })
  async startAttempt(
    @Arg("testId", () => ID, { description: "A published test (or a draft you author)" }) testId: string,
    @Ctx() ctx: AssessmentsContext,
  ): Promise<Attempt> {
    const test = await visibleTest(testId, ctx);
    if (!test || test.status !== TestStatus.PUBLISHED) throw notFound("Mock test");
    const userId = callerId(ctx.identity);
    const now = this.services.clock.now();
    try {
      const { attempt, closed } = await ctx.em.transactional(async (em) => {
        // Shared with other starts, held until commit: an unpublish (which locks the test for update)
        // either committed first and the test is a draft here, or waits and then counts this attempt.
        const locked = await em.findOne(MockTest, { id: test.id }, { lockMode: LockMode.PESSIMISTIC_READ, refresh: true });
        if (locked?.status !== TestStatus.PUBLISHED) throw notFound("Mock test");
        // With a limit, one user's starts on one test take turns: each counts what the last one wrote.
        if (test.maxAttempts !== null) await lockUntilCommit(em, "assessments.attempts", `${test.id}:${userId}`);
        const current = await em.findOne(Attempt, { test: test.id, userId, status: AttemptStatus.IN_PROGRESS });
        if (current && current.deadline.getTime() >= now.getTime()) return { attempt: current, closed: null };
        if (test.maxAttempts !== null && (await em.count(Attempt, { test: test.id, userId })) >= test.maxAttempts) {
          throw apiError("BAD_USER_INPUT", `You have used all ${test.maxAttempts} attempts on this test`, { reason: "ATTEMPTS_EXHAUSTED" });
        }
        // Time ran out on the one in progress: it is closed (EXPIRED, scored on its answers) first.
        const closed = current ? await finalizeAttempt(em, current.id, now) : null;
        const attempt = em.create(Attempt, {
          test: em.getReference(MockTest, test.id),
          userId,
          startedAt: now,
          deadline: new Date(now.getTime() + test.durationMinutes * 60_000),
          createdAt: now,
        });
        return { attempt, closed };
      });
      if (closed) await announceClosed(closed, true, ctx, this.services.events);
      return sitting(attempt, ctx);
    } catch (error) {
      // Two starts raced: the partial unique index kept one (whose start closed any expired attempt).
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      forgetAttempts(userId, test.id, ctx);
      return sitting(await ctx.em.fork().findOneOrFail(Attempt, { test: test.id, userId, status: AttemptStatus.IN_PROGRESS }), ctx);
    }
  }

  @Access({ scope: "assessments:write", policy: ownAttempt })
  @Mutation(() => Attempt, { description: "Answer (or, with choice null, clear) one question before the deadline" })
  async answerQuestion(
    @Arg("attemptId", () => ID, { description: "Your attempt in progress" }) attemptId: string,
    @Arg("questionId", () => ID, { description: "A question of the attempt's test" }) questionId: string,
    @Arg("choice", () => Int, { description: "0-based index into the question's options; null clears the answer", nullable: true }) choice: number | null,
    @Ctx() ctx: AssessmentsContext,
  ): Promise<Attempt> {
    const attempt = await ownedAttempt(attemptId, ctx);
    const question = (await ctx.loaders.questionsByTest.load(attempt.test.id)).find((q) => q.id === questionId);
    if (!question) throw notFound("Question");
    if (choice !== null && (!Number.isInteger(choice) || choice < 0 || choice >= question.options.length)) {
      throw badInput(`choice must be 0 to ${question.options.length - 1}, or null to clear`, "choice");
    }
    const now = this.services.clock.now();
    await ctx.em.transactional(async (em) => {
      // A share lock: answers wait for a submission in progress, then see that it is over.
      const locked = await em.findOneOrFail(Attempt, { id: attempt.id }, { lockMode: LockMode.PESSIMISTIC_READ, refresh: true });
      if (locked.status !== AttemptStatus.IN_PROGRESS) throw attemptOver();
      if (now.getTime() > locked.deadline.getTime()) {
        throw apiError("BAD_USER_INPUT", "The deadline has passed: submit the attempt", { reason: "DEADLINE_PASSED" });
      }
      await em
        .createQueryBuilder(Answer)
        .insert({ id: crypto.randomUUID(), attempt: attempt.id, question: question.id, choice, answeredAt: now })
        .onConflict(["attempt", "question"])
        .merge(["choice", "answeredAt"])
        .execute();
    });
    ctx.loaders.answeredCountByAttempt.clear(attempt.id);
    return attempt;
  }

  @Access({ scope: "assessments:write", policy: ownAttempt })
  @Mutation(() => Attempt, { description: "Score and close an attempt; EXPIRED (scored on in-time answers) when late" })
  async submitAttempt(@Arg("attemptId", () => ID, { description: "Your attempt in progress" }) attemptId: string, @Ctx() ctx: AssessmentsContext): Promise<Attempt> {
    const attempt = await ownedAttempt(attemptId, ctx);
    const wasOpen = attempt.status === AttemptStatus.IN_PROGRESS;
    const closed = await finalizeAttempt(ctx.em, attempt.id, this.services.clock.now());
    await announceClosed(closed, wasOpen, ctx, this.services.events);
    return closed;
  }

  @Access({ scope: "assessments:read", policy: attemptOwnerOrAdmin })
  @Query(() => Attempt, { nullable: true, description: "One of your attempts (any, for admins)" })
  attempt(@Arg("id", () => ID, { description: "The attempt's id" }) id: string, @Ctx() ctx: AssessmentsContext): Promise<Attempt | null> {
    return ctx.loaders.attemptById.load(id);
  }

  @Access({ scope: "assessments:read", filter: publishedOrAuthor })
  @Query(() => RankPrediction, { nullable: true, description: "Null until you have finished an attempt on the course's tests" })
  async rankPrediction(
    @Arg("testId", () => ID, { description: "The test whose candidates you are ranked among" }) testId: string,
    @Ctx() ctx: AssessmentsContext,
  ): Promise<RankPrediction | null> {
    const test = await visibleTest(testId, ctx);
    if (!test) throw notFound("Mock test");
    const sameCourse = test.courseId ? { test: { courseId: test.courseId } } : { test: test.id };
    // Practice attempts count: the contract says submitted attempts, the prediction is the caller's
    // own (it moves nobody else), and their percentiles are measured against others' ranked ones.
    const recent = await ctx.em.find(
      Attempt,
      { userId: callerId(ctx.identity), status: { $in: FINISHED }, ...sameCourse },
      { orderBy: { submittedAt: "desc" }, limit: 5 },
    );
    const percentiles = await Promise.all(recent.map((attempt) => attemptPercentile(attempt, ctx)));
    return predictRank(
      percentiles.filter((p): p is number => p !== null),
      test.candidates,
    );
  }

  @Access({ publicData: true, scope: "assessments:read", filter: publishedOrAuthor })
  @CacheHint({ maxAge: DEFAULT_CACHE_MAX_AGE })
  @Query(() => [LeaderboardEntry], { description: "Each person's ranked (first submitted) attempt, higher score first, ties by earlier submission" })
  async leaderboard(
    @Arg("testId", () => ID, { description: "The test" }) testId: string,
    @Arg("first", () => Int, { description: "How many places: 1 to 100, 10 by default", nullable: true }) first: number | null,
    @Ctx() ctx: AssessmentsContext,
  ): Promise<LeaderboardEntry[]> {
    const test = await visibleTest(testId, ctx, assessmentsReader(ctx.identity));
    if (!test) throw notFound("Mock test");
    // What makes live subscribers read it again evicts it from the response cache too.
    ctx.reads(subscriptionTopic("leaderboardUpdated", { testId: test.id }));
    const limit = first ?? 10;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw badInput("first must be 1 to 100", "first");
    const rows: { user_id: string; score: number; submitted_at: Date }[] = await ctx.em.getConnection().execute(
      `select user_id, score, submitted_at from assessments.attempts
        where test_id = ? and ranked order by score desc, submitted_at asc, user_id limit ?`,
      [test.id, limit],
    );
    return leaderboard(rows.map((row) => ({ userId: row.user_id, score: Number(row.score), submittedAt: new Date(row.submitted_at) }))).map((entry) => ({
      rank: entry.rank,
      score: entry.score,
      submittedAt: entry.submittedAt,
      user: ref(User, entry.userId),
    }));
  }

  @FieldResolver(() => MockTest, { description: "The test attempted" })
  async test(@Root() attempt: Attempt, @Ctx() ctx: AssessmentsContext): Promise<MockTest> {
    return (await ctx.loaders.testById.load(attempt.test.id))!;
  }

  @FieldResolver(() => User, { description: "The person taking it" })
  user(@Root() attempt: Attempt): User {
    return ref(User, attempt.userId);
  }

  @FieldResolver(() => Int, { description: "Questions answered so far" })
  answeredCount(@Root() attempt: Attempt, @Ctx() ctx: AssessmentsContext): Promise<number> {
    return ctx.loaders.answeredCountByAttempt.load(attempt.id);
  }

  @FieldResolver(() => Float, {
    nullable: true,
    description: "Among the other users' ranked attempts on this test (100 when there are none); recomputed as others submit",
  })
  percentile(@Root() attempt: Attempt, @Ctx() ctx: AssessmentsContext): Promise<number | null> {
    return attemptPercentile(attempt, ctx);
  }

  @FieldResolver(() => [TopicBreakdown], { nullable: true, description: "Null until the attempt is over" })
  async breakdown(@Root() attempt: Attempt, @Ctx() ctx: AssessmentsContext): Promise<TopicBreakdown[] | null> {
    if (attempt.status === AttemptStatus.IN_PROGRESS) return null;
    const test = await ctx.loaders.testById.load(attempt.test.id);
    const questions = await ctx.loaders.questionsByTest.load(attempt.test.id);
    const answers = await ctx.loaders.inTimeAnswersByAttempt.load(attempt.id);
    return scoreAttempt(
      questions.map((q: Question) => ({ id: q.id, marks: q.marks, correctOption: q.correctOption, topic: q.topic })),
      answers,
      test!.negativeMarking,
    ).breakdown;
  }
}

async function attemptPercentile(attempt: Attempt, ctx: AssessmentsContext): Promise<number | null> {
  if (attempt.status === AttemptStatus.IN_PROGRESS || attempt.score === null) return null;
  const ranked = await ctx.loaders.rankedAttemptsByTest.load(attempt.test.id);
  return percentileAmongRanked({ userId: attempt.userId, score: attempt.score }, ranked);
}

/** The user is sitting the test from now on: its correct options stay hidden for the rest of this request too. */
function sitting(attempt: Attempt, ctx: AssessmentsContext): Attempt {
  const key = `${attempt.userId}:${attempt.test.id}`;
  ctx.loaders.openAttemptByUserTest.clear(key).prime(key, true);
  return attempt;
}

/** What this request may have read about the user's attempts on the test before one of them closed. */
function forgetAttempts(userId: string, testId: string, ctx: AssessmentsContext): void {
  const key = `${userId}:${testId}`;
  ctx.loaders.openAttemptByUserTest.clear(key);
  ctx.loaders.finishedAttemptByUserTest.clear(key);
  ctx.loaders.rankedAttemptsByTest.clear(testId);
}

/** Only a ranked attempt changes the leaderboard: practice ones are not announced. */
async function announceClosed(attempt: Attempt, closedNow: boolean, ctx: AssessmentsContext, events: AssessmentEvents): Promise<void> {
  forgetAttempts(attempt.userId, attempt.test.id, ctx);
  if (closedNow && attempt.ranked) await events.leaderboardChanged(attempt.test.id);
}

export async function resolveAttemptReference(reference: { id: string }, ctx: AssessmentsContext): Promise<Attempt | null> {
  const attempt = await ctx.loaders.attemptById.load(reference.id);
  return attempt && ownerOrAdminRows.visible(ctx.identity, attempt) ? attempt : null;
}

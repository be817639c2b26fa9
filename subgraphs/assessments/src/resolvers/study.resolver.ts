import { LockMode, UniqueConstraintViolationException } from "@mikro-orm/core";
import { Access, badInput, isUuid, notFound } from "@solo/kit";
import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { Course, Lesson, LessonCompletion, StudySession, StudySessionStatus, User, ref } from "../entities";
import type { AssessmentsContext } from "../context";
import type { AssessmentsServices } from "../services";
import { ownSession, sessionOwnerOrAdmin } from "../policies";
import { callerId, ownerOrAdminRows } from "../services/visibility";
import { CourseProgress, LiveStudyStats, StartStudySessionInput, StudyProgressInput } from "./types";

/** The session ownSession let the caller act on, from the loader it was read through. */
async function ownedSession(id: string, ctx: AssessmentsContext): Promise<StudySession> {
  return (await ctx.loaders.sessionById.load(id))!;
}

export function progressOf(courseId: string, completed: number, total: number): CourseProgress {
  return {
    completedLessons: completed,
    totalLessons: total,
    percent: total ? Math.round((completed / total) * 100 * 100) / 100 : 0,
    course: ref(Course, courseId),
  };
}

@Resolver(() => StudySession)
export class StudySessionResolver {
  constructor(private readonly services: AssessmentsServices) {}

  @Access({ scope: "assessments:write" })
  @Mutation(() => StudySession, { description: "Start studying a course (and lesson); ends your session in progress" })
  async startStudySession(
    @Arg("input", { description: "The course (and lesson) to study" }) input: StartStudySessionInput,
    @Ctx() ctx: AssessmentsContext,
  ): Promise<StudySession> {
    const found = await this.services.content.lookup(ctx.identity, { courseIds: [input.courseId], lessonIds: input.lessonId ? [input.lessonId] : [] });
    if (!found.courses[0]) throw badInput("courseId must name a course you can see", "courseId");
    if (input.lessonId && found.lessons[0]?.courseId !== input.courseId) throw badInput("lessonId must name a lesson of that course", "lessonId");
    const userId = callerId(ctx.identity);
    for (let attempt = 0; ; attempt++) {
      const now = this.services.clock.now();
      try {
        const { session, ended } = await ctx.em.transactional(async (em) => {
          const previous = await em.find(StudySession, { userId, status: StudySessionStatus.ACTIVE }, { lockMode: LockMode.PESSIMISTIC_WRITE });
          // Ended with its own statement, before the insert: a flush would insert first and trip
          // the one-active-session index.
          if (previous.length) {
            await em.nativeUpdate(StudySession, { id: { $in: previous.map((old) => old.id) } }, { status: StudySessionStatus.ENDED, endedAt: now });
          }
          const created = em.create(StudySession, { userId, courseId: input.courseId, lessonId: input.lessonId ?? null, startedAt: now, lastActivityAt: now });
          return { session: created, ended: previous };
        });
        await this.services.events.studySessionsChanged([...ended, session]);
        return session;
      } catch (error) {
        // A concurrent start won the one-active-session index; end that one too and try again.
        if (!(error instanceof UniqueConstraintViolationException) || attempt >= 2) throw error;
      }
    }
  }

  @Access({ scope: "assessments:write", policy: ownSession })
  @Mutation(() => StudySession, { description: "Report progress (never goes down) and focus time (no faster than the clock)" })
  async recordStudyProgress(
    @Arg("sessionId", () => ID, { description: "Your session in progress" }) sessionId: string,
    @Arg("input", { description: "The progress to report" }) input: StudyProgressInput,
    @Ctx() ctx: AssessmentsContext,
  ): Promise<StudySession> {
    const now = this.services.clock.now();
    const outcome = await ctx.em.transactional(async (em) => {
      const session = await em.findOneOrFail(StudySession, { id: sessionId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
      // Idle past the limit, it is over even if the sweep has not reached it yet: end it (and
      // commit that) before refusing the report.
      if (session.status === StudySessionStatus.ACTIVE && now.getTime() - session.lastActivityAt.getTime() > this.services.settings.idleSessionMs) {
        session.status = StudySessionStatus.ENDED;
        session.endedAt = session.lastActivityAt;
        return { ended: true as const };
      }
      if (session.status !== StudySessionStatus.ACTIVE) return { ended: true as const };
      const elapsed = Math.floor((now.getTime() - session.startedAt.getTime()) / 1000);
      if (session.focusSeconds + input.addFocusSeconds > elapsed) {
        throw badInput(`Focus time cannot exceed the session's ${elapsed} s so far`, "addFocusSeconds");
      }
      session.focusSeconds += input.addFocusSeconds;
      session.progressPercent = Math.max(session.progressPercent, input.progressPercent);
      session.lastActivityAt = now;
      return { ended: false as const, session };
    });
    if (outcome.ended) throw badInput("This study session has ended", "sessionId");
    await this.services.events.studySessionsChanged([outcome.session]);
    return outcome.session;
  }

  @Access({ scope: "assessments:write", policy: ownSession })
  @Mutation(() => StudySession, { description: "End your session; ending it again changes nothing" })
  async endStudySession(@Arg("sessionId", () => ID, { description: "Your session" }) sessionId: string, @Ctx() ctx: AssessmentsContext): Promise<StudySession> {
    const session = await ownedSession(sessionId, ctx);
    if (session.status === StudySessionStatus.ACTIVE) {
      session.status = StudySessionStatus.ENDED;
      session.endedAt = this.services.clock.now();
      await ctx.em.flush();
      await this.services.events.studySessionsChanged([session]);
    }
    return session;
  }

  @Access({ scope: "assessments:write" })
  @Mutation(() => CourseProgress, { description: "Mark a lesson done; doing it twice changes nothing" })
  async completeLesson(
    @Arg("lessonId", () => ID, { description: "A lesson of a course you may see" }) lessonId: string,
    @Ctx() ctx: AssessmentsContext,
  ): Promise<CourseProgress> {
    const { lessons } = await this.services.content.lookup(ctx.identity, { lessonIds: [lessonId] });
    const lesson = lessons[0];
    if (!lesson) throw notFound("Lesson");
    const userId = callerId(ctx.identity);
    await ctx.em
      .createQueryBuilder(LessonCompletion)
      .insert({ id: crypto.randomUUID(), userId, lessonId: lesson.id, courseId: lesson.courseId, completedAt: this.services.clock.now() })
      .onConflict(["userId", "lessonId"])
      .ignore()
      .execute();
    const completed = await ctx.loaders.completedLessonsByUserCourse.load(`${userId}:${lesson.courseId}`);
    return progressOf(lesson.courseId, completed, lesson.lessonCount);
  }

  @Access({ scope: "assessments:read", policy: sessionOwnerOrAdmin })
  @Query(() => StudySession, { nullable: true, description: "One of your study sessions (any, for admins)" })
  studySession(@Arg("sessionId", () => ID, { description: "The session's id" }) sessionId: string, @Ctx() ctx: AssessmentsContext): Promise<StudySession | null> {
    return ctx.loaders.sessionById.load(sessionId);
  }

  @Access({ scope: "assessments:read" })
  @Query(() => LiveStudyStats, { description: "Live study right now: counts only, for anyone signed in" })
  async liveStudyStats(
    @Arg("courseId", () => ID, { description: "Only this course's study; omit for the whole platform", nullable: true }) courseId: string | null,
    @Ctx() ctx: AssessmentsContext,
  ): Promise<LiveStudyStats> {
    // "" is no id: read as "every course" it would listen on a topic nothing publishes to.
    if (typeof courseId === "string" && !isUuid(courseId)) throw badInput("courseId must be an id", "courseId");
    const now = this.services.clock.now();
    const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    const course = courseId ? "and course_id = ?" : "";
    const params = (...values: unknown[]) => (courseId ? [...values, courseId] : values);
    const [live] = await ctx.em.getConnection().execute<{ active: number; progress: number }[]>(
      `select count(*)::int as active, coalesce(avg(progress_percent), 0)::float as progress
         from assessments.study_sessions where status = 'ACTIVE' ${course}`,
      params(),
    );
    const [today] = await ctx.em.getConnection().execute<{ learners: number; focus: number }[]>(
      `select count(distinct user_id)::int as learners, coalesce(sum(focus_seconds), 0)::int as focus
         from assessments.study_sessions where started_at >= ? ${course}`,
      params(dayStart),
    );
    return {
      activeSessions: live.active,
      learnersToday: today.learners,
      focusSecondsToday: today.focus,
      averageProgress: Math.round(live.progress * 100) / 100,
      at: now,
    };
  }

  @FieldResolver(() => Course, { description: "The course studied" })
  course(@Root() session: StudySession): Course {
    return ref(Course, session.courseId);
  }

  @FieldResolver(() => Lesson, { description: "The lesson studied; null for the course as a whole", nullable: true })
  lesson(@Root() session: StudySession): Lesson | null {
    return session.lessonId ? ref(Lesson, session.lessonId) : null;
  }

  @FieldResolver(() => User, { description: "The person studying" })
  user(@Root() session: StudySession): User {
    return ref(User, session.userId);
  }
}

export async function resolveSessionReference(reference: { id: string }, ctx: AssessmentsContext): Promise<StudySession | null> {
  const session = await ctx.loaders.sessionById.load(reference.id);
  return session && ownerOrAdminRows.visible(ctx.identity, session) ? session : null;
}

import { Access, paginate, selfOrAdmin, signedIn, signedInCaller } from "@solo/kit";
import { Arg, Ctx, Directive, FieldResolver, Int, Resolver, Root } from "type-graphql";
import { Attempt, Course, ReviewEvent, StudySession, User } from "../entities";
import type { AssessmentsContext } from "../context";
import type { AssessmentsServices } from "../services";
import { currentStreakDays } from "../services/formulas";
import { AttemptConnection, CourseProgress, StudyStats } from "./types";
import { progressOf } from "./study.resolver";

@Resolver(() => User)
export class UserAssessmentsResolver {
  constructor(private readonly services: AssessmentsServices) {}

  @Access({ public: true, scope: "assessments:read", policy: selfOrAdmin })
  @FieldResolver(() => AttemptConnection, { nullable: true, description: "Newest first; the account's own (or any, for admins)" })
  attempts(
    @Root() user: User,
    @Arg("first", () => Int, { description: "Page size: 0 to 100, 20 by default", nullable: true }) first: number | null,
    @Arg("after", () => String, { description: "Cursor from a previous page's pageInfo.endCursor: the page starts after it", nullable: true }) after: string | null,
    @Ctx() ctx: AssessmentsContext,
  ): Promise<AttemptConnection> {
    return paginate(ctx.em, Attempt, { userId: user.id }, { first, after, direction: "desc" });
  }

  @Access({ public: true, scope: "assessments:read", policy: selfOrAdmin })
  @FieldResolver(() => StudyStats, { nullable: true, description: "The account's own (or any, for admins)" })
  @Directive('@requires(fields: "accountTimezone")')
  async studyStats(@Root() user: User, @Ctx() ctx: AssessmentsContext): Promise<StudyStats | null> {
    const now = this.services.clock.now();
    const sql = ctx.em.getConnection();
    const [sessions] = await sql.execute<{ focus: number; n: number }[]>(
      `select coalesce(sum(focus_seconds), 0)::int as focus, count(*)::int as n from assessments.study_sessions where user_id = ?`,
      [user.id],
    );
    // avg() of a numeric is a numeric, which pg hands over as a string (or null with no attempts).
    const [attempts] = await sql.execute<{ n: number; average: string | null }[]>(
      `select count(*)::int as n, avg(score / nullif(max_score, 0) * 100) as average from assessments.attempts
        where user_id = ? and status in ('SUBMITTED', 'EXPIRED')`,
      [user.id],
    );
    // A year back is enough for any streak worth showing.
    const since = new Date(now.getTime() - 400 * 86_400_000);
    const activity = [
      ...(await ctx.em.find(StudySession, { userId: user.id, startedAt: { $gte: since } }, { fields: ["startedAt"] })).map((s) => s.startedAt),
      ...(await ctx.em.find(ReviewEvent, { userId: user.id, reviewedAt: { $gte: since } }, { fields: ["reviewedAt"] })).map((r) => r.reviewedAt),
    ];
    return {
      totalFocusSeconds: sessions.focus,
      sessionsCount: sessions.n,
      currentStreakDays: currentStreakDays(activity, now, user.accountTimezone || "UTC"),
      attemptsCount: attempts.n,
      averageScore: attempts.average === null ? null : Math.round(Number(attempts.average) * 100) / 100,
    };
  }
}

@Resolver(() => Course)
export class CourseProgressResolver {
  /** lessonCount is content's: the gateway fetches it there first (@requires), no copy lives here. */
  @Access({ public: true, scope: "assessments:read", policy: signedIn })
  @FieldResolver(() => CourseProgress, { nullable: true, description: "Your progress; null when signed out" })
  @Directive('@requires(fields: "lessonCount")')
  async myProgress(@Root() course: Course, @Ctx() ctx: AssessmentsContext): Promise<CourseProgress | null> {
    const completed = await ctx.loaders.completedLessonsByUserCourse.load(`${signedInCaller(ctx.identity).userId}:${course.id}`);
    return progressOf(course.id, completed, course.lessonCount ?? 0);
  }
}

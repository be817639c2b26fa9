import { Access, selfOrAdmin, signedIn, signedInCaller } from "@solo/kit";
import { Arg, Ctx, Directive, FieldResolver, Int, Resolver, Root } from "type-graphql";
import { Course, User } from "../entities";
import type { AssessmentsContext } from "../context";
import type { AssessmentsServices } from "../services";
import { currentStreakDays } from "../services/formulas";
import { AttemptConnection, CourseProgress, StudyStats } from "./types";
import { progressOf } from "./study.resolver";

const DAY_MS = 86_400_000;

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
    return ctx.loaders.attemptPagesByUser.load({ userId: user.id, first, after });
  }

  @Access({ public: true, scope: "assessments:read", policy: selfOrAdmin })
  @FieldResolver(() => StudyStats, { nullable: true, description: "The account's own (or any, for admins)" })
  @Directive('@requires(fields: "accountTimezone")')
  async studyStats(@Root() user: User, @Ctx() ctx: AssessmentsContext): Promise<StudyStats | null> {
    const now = this.services.clock.now();
    // A year back is enough for any streak worth showing. From the start of a UTC day, so that the
    // items of one list (resolved a millisecond apart) ask for the same window, in one batch.
    const since = new Date((Math.floor(now.getTime() / DAY_MS) - 400) * DAY_MS);
    const activity = await ctx.loaders.studyActivityByUser.load({ userId: user.id, since });
    return {
      totalFocusSeconds: activity.focusSeconds,
      sessionsCount: activity.sessions,
      currentStreakDays: currentStreakDays(activity.activeAt, now, user.accountTimezone || "UTC"),
      attemptsCount: activity.finishedAttempts,
      averageScore: activity.averagePercent === null ? null : Math.round(activity.averagePercent * 100) / 100,
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

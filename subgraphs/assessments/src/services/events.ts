import type { LivePublisher } from "@solo/kit";

/** The subscription fields whose topics assessments publishes (see subscription.resolver.ts). */
export const LIVE_TOPICS = ["studySessionUpdated", "liveStudyStats", "leaderboardUpdated"] as const;

/**
 * What changed, said after it is committed: the gateway re-reads what each subscriber may see.
 * A failed publish is logged by the kit, never undoes the change (the next change publishes again).
 */
export class AssessmentEvents {
  constructor(private readonly live: LivePublisher) {}

  /** A session changed: its own stream, and the live counts of its course and of everything. */
  async studySessionsChanged(sessions: { id: string; courseId: string }[]): Promise<void> {
    const courses = new Set(sessions.map((session) => session.courseId));
    await Promise.all([
      ...sessions.map((session) => this.live.publish("studySessionUpdated", { sessionId: session.id })),
      ...[...courses].map((courseId) => this.live.publish("liveStudyStats", { courseId })),
      ...(courses.size ? [this.live.publish("liveStudyStats", {})] : []),
    ]);
  }

  async leaderboardChanged(testId: string): Promise<void> {
    await this.live.publish("leaderboardUpdated", { testId });
  }
}

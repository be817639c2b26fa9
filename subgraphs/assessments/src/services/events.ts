import { EventBus, Logger, subscriptionTopic } from "@solo/kit";

/**
 * What changed, said after it is committed: the gateway re-reads what each subscriber may see.
 * A failed publish is logged, never undoes the change (the next change publishes again).
 */
export class AssessmentEvents {
  constructor(
    private readonly bus: EventBus | undefined,
    private readonly logger: Logger,
  ) {}

  private async publish(field: string, args: Record<string, unknown>): Promise<void> {
    if (!this.bus) return;
    await this.bus.publish(subscriptionTopic(field, args), { ...args, at: new Date().toISOString() }).catch((error) => {
      this.logger.warn({ err: error, field }, "could not publish an event");
    });
  }

  /** A session changed: its own stream, and the live counts of its course and of everything. */
  async studySessionsChanged(sessions: { id: string; courseId: string }[]): Promise<void> {
    const courses = new Set(sessions.map((session) => session.courseId));
    await Promise.all([
      ...sessions.map((session) => this.publish("studySessionUpdated", { sessionId: session.id })),
      ...[...courses].map((courseId) => this.publish("liveStudyStats", { courseId })),
      ...(courses.size ? [this.publish("liveStudyStats", {})] : []),
    ]);
  }

  async leaderboardChanged(testId: string): Promise<void> {
    await this.publish("leaderboardUpdated", { testId });
  }
}

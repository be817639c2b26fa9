import type { EntityManager } from "@mikro-orm/postgresql";
import type { AssessmentEvents } from "./events";

/** Sessions nobody has touched for `idleMs` end at their last activity (the "end-idle-study-sessions" job). */
export async function endIdleSessions(em: EntityManager, now: Date, idleMs: number, events: AssessmentEvents): Promise<number> {
  const ended: { id: string; course_id: string }[] = await em.getConnection().execute(
    `update assessments.study_sessions set status = 'ENDED', ended_at = last_activity_at
      where status = 'ACTIVE' and last_activity_at < ? returning id, course_id`,
    [new Date(now.getTime() - idleMs)],
  );
  await events.studySessionsChanged(ended.map((row) => ({ id: row.id, courseId: row.course_id })));
  return ended.length;
}

import DataLoader from "dataloader";
import { groupBy } from "@solo/kit";
import type { Sql } from "./sql";
import { FINISHED, placeholders } from "./sql";

/** What an account's study stats are made of: totals, and the days it studied since `since`. */
export interface StudyActivity {
  focusSeconds: number;
  sessions: number;
  finishedAttempts: number;
  /** Mean of score / max score × 100 over finished attempts; null without any. */
  averagePercent: number | null;
  /** When each study session started and each flashcard review was made since `since`. */
  activeAt: Date[];
}

export interface StudyActivityKey {
  userId: string;
  since: Date;
}

const activityKey = (key: StudyActivityKey) => `${key.userId}@${key.since.getTime()}`;

/**
 * Each account's study activity, four statements for a whole list of accounts (an admin's user
 * directory with studyStats), not four per account. Keys asked with another `since` (another
 * clock) are answered by a batch of their own.
 */
export function studyActivityLoader(sql: Sql) {
  return new DataLoader<StudyActivityKey, StudyActivity, string>(
    async (keys) => {
      const answers = new Map<string, StudyActivity>();
      const bySince = new Map<number, Set<string>>();
      for (const key of keys) {
        const users = bySince.get(key.since.getTime()) ?? new Set<string>();
        bySince.set(key.since.getTime(), users.add(key.userId));
      }
      for (const [since, userIds] of bySince) {
        for (const [userId, activity] of await activitySince(sql, [...userIds], new Date(since))) answers.set(activityKey({ userId, since: new Date(since) }), activity);
      }
      return keys.map((key) => answers.get(activityKey(key))!);
    },
    { cacheKeyFn: activityKey },
  );
}

async function activitySince(sql: Sql, userIds: string[], since: Date): Promise<Map<string, StudyActivity>> {
  const list = placeholders(userIds);
  const [sessions, attempts, started, reviewed] = await Promise.all([
    sql<{ user_id: string; focus: number; n: number }>(
      `select user_id, coalesce(sum(focus_seconds), 0)::int as focus, count(*)::int as n from assessments.study_sessions
        where user_id in (${list}) group by user_id`,
      userIds,
    ),
    // avg() of a numeric is a numeric, which pg hands over as a string (or null with no attempts).
    sql<{ user_id: string; n: number; average: string | null }>(
      `select user_id, count(*)::int as n, avg(score / nullif(max_score, 0) * 100) as average from assessments.attempts
        where user_id in (${list}) and status in (${placeholders(FINISHED)}) group by user_id`,
      [...userIds, ...FINISHED],
    ),
    sql<{ user_id: string; at: Date }>(`select user_id, started_at as at from assessments.study_sessions where user_id in (${list}) and started_at >= ?`, [
      ...userIds,
      since,
    ]),
    sql<{ user_id: string; at: Date }>(`select user_id, reviewed_at as at from assessments.review_events where user_id in (${list}) and reviewed_at >= ?`, [
      ...userIds,
      since,
    ]),
  ]);
  const sessionsOf = new Map(sessions.map((row) => [row.user_id, row]));
  const attemptsOf = new Map(attempts.map((row) => [row.user_id, row]));
  const activeAt = groupBy(userIds, [...started, ...reviewed], (row) => row.user_id);
  return new Map(
    userIds.map((userId, index) => {
      const average = attemptsOf.get(userId)?.average ?? null;
      return [
        userId,
        {
          focusSeconds: sessionsOf.get(userId)?.focus ?? 0,
          sessions: sessionsOf.get(userId)?.n ?? 0,
          finishedAttempts: attemptsOf.get(userId)?.n ?? 0,
          averagePercent: average === null ? null : Number(average),
          activeAt: activeAt[index].map((row) => new Date(row.at)),
        },
      ];
    }),
  );
}

import type { EntityManager } from "@mikro-orm/postgresql";
import { groupBy, loaderById } from "@solo/kit";
import DataLoader from "dataloader";
import { Attempt, MockTest, Question, StudySession } from "../entities";
import type { Sql } from "./sql";
import { placeholders } from "./sql";
import { attemptPagesLoader } from "./attempt-pages";
import { studyActivityLoader } from "./study-activity";

export { FINISHED } from "./sql";

/** Per request: every list or reference in a response costs one query per kind, not per item. */
export function createLoaders(em: EntityManager) {
  const sql: Sql = (query, params) => em.getConnection().execute(query, params);
  return {
    testById: loaderById((ids) => em.find(MockTest, { id: { $in: [...ids] } })),
    attemptById: loaderById((ids) => em.find(Attempt, { id: { $in: [...ids] } })),
    /** Each account's page of attempts (User.attempts), for a whole list of accounts at once. */
    attemptPagesByUser: attemptPagesLoader(em, sql),
    sessionById: loaderById((ids) => em.find(StudySession, { id: { $in: [...ids] } })),
    questionsByTest: new DataLoader<string, Question[]>(async (testIds) =>
      groupBy(testIds, await em.find(Question, { test: { $in: [...testIds] } }, { orderBy: { position: "asc" } }), (q) => q.test.id),
    ),
    answeredCountByAttempt: new DataLoader<string, number>(async (attemptIds) => {
      const rows = await sql<{ attempt_id: string; n: string }>(
        `select attempt_id, count(*) as n from assessments.answers where choice is not null and attempt_id in (${placeholders(attemptIds)}) group by attempt_id`,
        [...attemptIds],
      );
      const counts = new Map(rows.map((row) => [row.attempt_id, Number(row.n)]));
      return attemptIds.map((id) => counts.get(id) ?? 0);
    }),
    /** Answers given by each attempt's deadline: what its score and breakdown count. */
    inTimeAnswersByAttempt: new DataLoader<string, { questionId: string; choice: number | null }[]>(async (attemptIds) => {
      const rows = await sql<{ attempt_id: string; question_id: string; choice: number | null }>(
        `select ans.attempt_id, ans.question_id, ans.choice from assessments.answers ans
           join assessments.attempts a on a.id = ans.attempt_id
          where ans.answered_at <= a.deadline and ans.attempt_id in (${placeholders(attemptIds)})`,
        [...attemptIds],
      );
      return groupBy(attemptIds, rows, (row) => row.attempt_id).map((group) => group.map((row) => ({ questionId: row.question_id, choice: row.choice })));
    }),
    /** Each test's ranked attempts (each user's first submitted one): the population of percentiles. */
    rankedAttemptsByTest: new DataLoader<string, { userId: string; score: number }[]>(async (testIds) => {
      const rows = await sql<{ test_id: string; user_id: string; score: number }>(
        `select test_id, user_id, score from assessments.attempts where ranked and test_id in (${placeholders(testIds)})`,
        [...testIds],
      );
      return groupBy(testIds, rows, (row) => row.test_id).map((group) => group.map((row) => ({ userId: row.user_id, score: Number(row.score) })));
    }),
    /** "userId:testId" → whether that user has an attempt IN_PROGRESS (past its deadline too: not submitted yet). */
    openAttemptByUserTest: new DataLoader<string, boolean>(async (keys) => {
      const pairs = keys.map((key) => key.split(":"));
      const rows = await sql<{ user_id: string; test_id: string }>(
        `select distinct user_id, test_id from assessments.attempts
          where status = 'IN_PROGRESS' and (user_id, test_id) in (${pairs.map(() => "(?, ?)").join(", ")})`,
        pairs.flat(),
      );
      const open = new Set(rows.map((row) => `${row.user_id}:${row.test_id}`));
      return keys.map((key) => open.has(key));
    }),
    /** "userId:testId" → whether that user has submitted (SUBMITTED or EXPIRED) an attempt on that test. */
    finishedAttemptByUserTest: new DataLoader<string, boolean>(async (keys) => {
      const pairs = keys.map((key) => key.split(":"));
      const rows = await sql<{ user_id: string; test_id: string }>(
        `select distinct user_id, test_id from assessments.attempts
          where status in ('SUBMITTED', 'EXPIRED') and (user_id, test_id) in (${pairs.map(() => "(?, ?)").join(", ")})`,
        pairs.flat(),
      );
      const finished = new Set(rows.map((row) => `${row.user_id}:${row.test_id}`));
      return keys.map((key) => finished.has(key));
    }),
    /** "userId:courseId" → lessons of that course the user has completed. */
    completedLessonsByUserCourse: new DataLoader<string, number>(async (keys) => {
      const pairs = keys.map((key) => key.split(":"));
      const rows = await sql<{ user_id: string; course_id: string; n: string }>(
        `select user_id, course_id, count(*) as n from assessments.lesson_completions
          where (user_id, course_id) in (${pairs.map(() => "(?, ?)").join(", ")}) group by user_id, course_id`,
        pairs.flat(),
      );
      const counts = new Map(rows.map((row) => [`${row.user_id}:${row.course_id}`, Number(row.n)]));
      return keys.map((key) => counts.get(key) ?? 0);
    }),
    studyActivityByUser: studyActivityLoader(sql),
  };
}

export type AssessmentsLoaders = ReturnType<typeof createLoaders>;

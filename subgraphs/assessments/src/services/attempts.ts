import { LockMode } from "@mikro-orm/core";
import type { EntityManager } from "@mikro-orm/postgresql";
import type { MockTest } from "../entities";
import { Answer, Attempt, AttemptStatus, Question } from "../entities";
import { FINISHED } from "../loaders";
import { scoreAttempt } from "./formulas";

/**
 * Scores an attempt on the answers given by its deadline and closes it: SUBMITTED in time,
 * EXPIRED when submitted late. Runs under the attempt's row lock: of two concurrent submissions,
 * the second finds it closed and returns the same result.
 *
 * It is ranked when the user has no other finished attempt on the test. No other attempt of theirs
 * can be finishing meanwhile: only one per user and test is ever IN_PROGRESS (a unique index), and
 * a new one can only be inserted once this one's closing has committed. The unique index on ranked
 * attempts holds the rule even so.
 */
export async function finalizeAttempt(em: EntityManager, attemptId: string, now: Date): Promise<Attempt> {
  return em.transactional(async (tx) => {
    const attempt = await tx.findOneOrFail(Attempt, { id: attemptId }, { lockMode: LockMode.PESSIMISTIC_WRITE, populate: ["test"] });
    if (attempt.status !== AttemptStatus.IN_PROGRESS) return attempt;
    const test = attempt.test as MockTest;
    const questions = await tx.find(Question, { test: test.id });
    const answers = await tx.find(Answer, { attempt: attempt.id, answeredAt: { $lte: attempt.deadline } });
    const finishedBefore = await tx.count(Attempt, { test: test.id, userId: attempt.userId, status: { $in: FINISHED }, id: { $ne: attempt.id } });
    const result = scoreAttempt(
      questions.map((question) => ({ id: question.id, marks: question.marks, correctOption: question.correctOption, topic: question.topic })),
      answers.map((answer) => ({ questionId: answer.question.id, choice: answer.choice })),
      test.negativeMarking,
    );
    Object.assign(attempt, {
      status: now.getTime() > attempt.deadline.getTime() ? AttemptStatus.EXPIRED : AttemptStatus.SUBMITTED,
      ranked: finishedBefore === 0,
      submittedAt: now,
      score: result.score,
      maxScore: result.maxScore,
      correctCount: result.correctCount,
      incorrectCount: result.incorrectCount,
      unansweredCount: result.unansweredCount,
    });
    return attempt;
  });
}

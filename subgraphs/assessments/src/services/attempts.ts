import { LockMode } from "@mikro-orm/core";
import type { EntityManager } from "@mikro-orm/postgresql";
import { Answer, Attempt, AttemptStatus, MockTest, Question } from "../entities";
import { scoreAttempt } from "./formulas";

/**
 * Scores an attempt on the answers given by its deadline and closes it: SUBMITTED in time,
 * EXPIRED when submitted late. Runs under the attempt's row lock: of two concurrent submissions,
 * the second finds it closed and returns the same result.
 */
export async function finalizeAttempt(em: EntityManager, attemptId: string, now: Date): Promise<Attempt> {
  return em.transactional(async (tx) => {
    const attempt = await tx.findOneOrFail(Attempt, { id: attemptId }, { lockMode: LockMode.PESSIMISTIC_WRITE, populate: ["test"] });
    if (attempt.status !== AttemptStatus.IN_PROGRESS) return attempt;
    const test = attempt.test as MockTest;
    const questions = await tx.find(Question, { test: test.id });
    const answers = await tx.find(Answer, { attempt: attempt.id, answeredAt: { $lte: attempt.deadline } });
    const result = scoreAttempt(
      questions.map((question) => ({ id: question.id, marks: question.marks, correctOption: question.correctOption, topic: question.topic })),
      answers.map((answer) => ({ questionId: answer.question.id, choice: answer.choice })),
      test.negativeMarking,
    );
    Object.assign(attempt, {
      status: now.getTime() > attempt.deadline.getTime() ? AttemptStatus.EXPIRED : AttemptStatus.SUBMITTED,
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

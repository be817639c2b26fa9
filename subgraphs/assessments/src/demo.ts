import type { EntityManager } from "@mikro-orm/postgresql";
import type { DemoPart } from "@solo/kit";
import { seededRandom } from "@solo/kit";
import { Answer, Attempt, AttemptStatus, Difficulty, LessonCompletion, MockTest, Question, StudySession, StudySessionStatus, TestStatus } from "./entities";
import { scoreAttempt } from "./services/formulas";

/**
 * The demo's mock test (`npm run seed`): 120 questions, with a submitted attempt from every demo student.
 * @public read by tools/test/seed.test.ts from the built module
 */
export const DEMO_TEST = { title: "CLAT Full Mock 1", questions: 120 };

/** Box-Muller: a normal variate from two uniform ones. */
function normal(random: () => number, mean: number, sd: number): number {
  const u = Math.max(random(), 1e-12);
  const v = random();
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

const SECTIONS = [
  { topic: "english", count: 24, prompt: "Read the passage. Which statement best captures the author's view" },
  { topic: "current-affairs", count: 28, prompt: "Which of these events, reported this year, concerns" },
  { topic: "legal-reasoning", count: 32, prompt: "Apply the principle to the facts: is the party liable when" },
  { topic: "logical-reasoning", count: 24, prompt: "If all the premises hold, which conclusion must follow about" },
  { topic: "quantitative", count: 12, prompt: "From the table, what is the percentage change in" },
] as const;

export const assessmentsDemo: DemoPart = {
  isLoaded: async (em: EntityManager) => (await em.count(MockTest, { title: DEMO_TEST.title })) > 0,
  async load(em: EntityManager, earlier, log) {
    const { instructorId, studentIds } = earlier.users as { instructorId: string; studentIds: string[] };
    const { courseId, lessonIds } = earlier.content as { courseId: string; lessonIds: string[] };
    const random = seededRandom(42);
    const now = Date.now();
    const day = 86_400_000;
    const test = em.create(MockTest, {
      title: DEMO_TEST.title,
      courseId,
      authorId: instructorId,
      durationMinutes: 120,
      negativeMarking: 0.25,
      candidates: 60_000,
      status: TestStatus.PUBLISHED,
      publishedAt: new Date(now - 30 * day),
      createdAt: new Date(now - 31 * day),
    });
    const difficulties = [Difficulty.EASY, Difficulty.MEDIUM, Difficulty.HARD];
    const questions: { id: string; marks: number; correctOption: number; topic: string; difficulty: number }[] = [];
    let position = 0;
    for (const section of SECTIONS) {
      for (let i = 0; i < section.count; i++) {
        position += 1;
        const difficulty = Math.floor(random() * 3);
        const question = em.create(Question, {
          test,
          position,
          prompt: `${section.prompt} (${position})?`,
          options: ["Option A", "Option B", "Option C", "Option D"],
          correctOption: Math.floor(random() * 4),
          topic: section.topic,
          difficulty: difficulties[difficulty],
          marks: 1,
        });
        questions.push({ id: question.id, marks: 1, correctOption: question.correctOption, topic: question.topic, difficulty });
      }
    }
    await em.flush();

    // Ability ~ N(0.55, 0.15): the chance of knowing an answer, less for harder questions; a
    // student who does not know skips 60 % of the time and guesses otherwise.
    const answerRows: { id: string; attempt: string; question: string; choice: number; answeredAt: Date }[] = [];
    for (const [i, userId] of studentIds.entries()) {
      const ability = Math.min(0.95, Math.max(0.1, normal(random, 0.55, 0.15)));
      const startedAt = new Date(now - (1 + (i % 28)) * day - Math.floor(random() * 10) * 3_600_000);
      const attemptId = crypto.randomUUID();
      const answers = questions.flatMap((question) => {
        if (random() < ability - question.difficulty * 0.1) return [{ questionId: question.id, choice: question.correctOption }];
        if (random() < 0.6) return [];
        return [{ questionId: question.id, choice: Math.floor(random() * 4) }];
      });
      const result = scoreAttempt(questions, answers, 0.25);
      const submittedAt = new Date(startedAt.getTime() + (80 + Math.floor(random() * 40)) * 60_000);
      em.create(Attempt, {
        id: attemptId,
        test,
        userId,
        status: AttemptStatus.SUBMITTED,
        ranked: true, // each student's only attempt: their first submitted, on the leaderboard
        startedAt,
        deadline: new Date(startedAt.getTime() + 120 * 60_000),
        submittedAt,
        createdAt: startedAt,
        score: result.score,
        maxScore: result.maxScore,
        correctCount: result.correctCount,
        incorrectCount: result.incorrectCount,
        unansweredCount: result.unansweredCount,
      });
      for (const answer of answers) {
        answerRows.push({ id: crypto.randomUUID(), attempt: attemptId, question: answer.questionId, choice: answer.choice, answeredAt: submittedAt });
      }
      const completed = Math.floor(ability * lessonIds.length);
      for (const lessonId of lessonIds.slice(0, completed)) {
        em.create(LessonCompletion, { userId, lessonId, courseId, completedAt: startedAt });
      }
      const sessionStart = new Date(startedAt.getTime() - day);
      em.create(StudySession, {
        userId,
        courseId,
        lessonId: lessonIds[completed % lessonIds.length],
        status: StudySessionStatus.ENDED,
        startedAt: sessionStart,
        endedAt: new Date(sessionStart.getTime() + 45 * 60_000),
        lastActivityAt: new Date(sessionStart.getTime() + 45 * 60_000),
        progressPercent: Math.round(ability * 100),
        focusSeconds: 1800 + Math.floor(random() * 900),
      });
    }
    await em.flush();
    for (let i = 0; i < answerRows.length; i += 2000) await em.insertMany(Answer, answerRows.slice(i, i + 2000));
    log(`Mock test "${test.title}" (${questions.length} questions, id ${test.id}) with ${studentIds.length} submitted attempts and ${answerRows.length} answers.`);
    return { testId: test.id };
  },
};

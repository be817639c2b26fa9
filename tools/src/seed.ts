import "reflect-metadata";
import path from "node:path";
import { Orm, dataDir, envInt, openDatabase, projectRoot } from "@solo/kit";
import argon2 from "argon2";
import { Client } from "pg";
import { LESSONS, MATERIALS, MAXIMS, SECTIONS, normal, prng, studentName } from "./demo-data";
import { ensureDatabase, startEmbeddedPostgres } from "./embedded-postgres";

const PASSWORD = "demo password 123";
export const DEMO = {
  instructor: "instructor@demo.solo",
  admin: "admin@demo.solo",
  password: PASSWORD,
  students: 200,
  questions: 120,
  testTitle: "CLAT Full Mock 1",
};

const load = (subgraph: string, module: string) => require(path.join(projectRoot(), "subgraphs", subgraph, "dist", "src", module));

async function open(subgraph: string, databaseUrl: string): Promise<{ orm: Orm; e: any }> {
  const app = load(subgraph, "app.js");
  const e = load(subgraph, "entities/index.js");
  return { orm: await openDatabase({ schema: app.SCHEMA, entities: e.entities, migrationsPath: app.MIGRATIONS_PATH, clientUrl: databaseUrl }), e };
}

/**
 * A realistic demo through the subgraphs' own entities (and migrations): an admin, an instructor,
 * a published course with lessons, materials and flashcard decks, a 120-question CLAT-style mock
 * test, and 200 students with submitted attempts spread around a normal distribution of ability.
 * Deterministic, and a no-op on a database that already has it.
 */
export async function seed(databaseUrl: string, log: (line: string) => void = console.log): Promise<boolean> {
  const users = await open("users", databaseUrl);
  const content = await open("content", databaseUrl);
  const assessments = await open("assessments", databaseUrl);
  const { scoreAttempt } = load("assessments", "services/formulas.js");
  try {
    // Entity classes are loaded by path (tools does not depend on the subgraphs), so typed loosely here.
    const em: Record<"users" | "content" | "assessments", any> = { users: users.orm.em.fork(), content: content.orm.em.fork(), assessments: assessments.orm.em.fork() };
    // The mock test is written last: with it the demo is complete; with only what comes before,
    // an earlier run failed midway, and writing again would duplicate half of it.
    if (await em.assessments.count(assessments.e.MockTest, { title: DEMO.testTitle })) {
      log("The demo data is already there.");
      return false;
    }
    if (await em.users.count(users.e.User, { emailNormalized: DEMO.instructor })) {
      throw new Error(`An earlier seed stopped midway (${DEMO.instructor} exists, "${DEMO.testTitle}" does not): start from an empty database`);
    }
    const random = prng(42);
    const now = Date.now();
    const day = 86_400_000;
    const passwordHash = await argon2.hash(PASSWORD, { type: argon2.argon2id });
    const person = (email: string, displayName: string, role: string, createdAt: Date, timezone = "Asia/Kolkata") =>
      // Demo addresses receive no mail: they count as verified from the start.
      em.users.create(users.e.User, { email, emailNormalized: email, passwordHash, displayName, role, timezone, createdAt, updatedAt: createdAt, emailVerifiedAt: createdAt });

    const admin = person(DEMO.admin, "Demo Admin", "ADMIN", new Date(now - 60 * day), "UTC");
    const instructor = person(DEMO.instructor, "Prof. Leela Rao", "INSTRUCTOR", new Date(now - 60 * day));
    const students = Array.from({ length: DEMO.students }, (_, i) =>
      person(`student${String(i + 1).padStart(3, "0")}@demo.solo`, studentName(i), "STUDENT", new Date(now - (50 - (i % 40)) * day)),
    );
    await em.users.flush();

    const course = em.content.create(content.e.Course, {
      slug: "clat-2027-complete-preparation",
      title: "CLAT 2027: Complete Preparation",
      description: "Every section of the Common Law Admission Test: strategy, concepts, practice and full mocks.",
      level: "INTERMEDIATE",
      status: "PUBLISHED",
      tags: ["clat", "law", "entrance-exam"],
      authorId: instructor.id,
      publishedAt: new Date(now - 45 * day),
      createdAt: new Date(now - 50 * day),
      updatedAt: new Date(now - 45 * day),
    });
    const lessons = LESSONS.map(([title, body], i) =>
      em.content.create(content.e.Lesson, { course, position: i + 1, title, body, durationMinutes: 20 + (i % 4) * 10, createdAt: new Date(now - 49 * day) }),
    );
    for (const [i, [title, kind, topic, body]] of MATERIALS.entries()) {
      const publishedAt = new Date(now - (i + 1) * 7 * day);
      em.content.create(content.e.ReadingMaterial, { title, kind, topic, body, authorId: instructor.id, publishedAt, createdAt: publishedAt });
    }
    const deck = em.content.create(content.e.FlashcardDeck, { title: "Legal maxims", description: "The maxims CLAT passages lean on", ownerId: instructor.id, course });
    MAXIMS.forEach(([front, back], i) => em.content.create(content.e.Flashcard, { deck, position: i + 1, front, back }));
    await em.content.flush();

    const test = em.assessments.create(assessments.e.MockTest, {
      title: DEMO.testTitle,
      courseId: course.id,
      authorId: instructor.id,
      durationMinutes: 120,
      negativeMarking: 0.25,
      candidates: 60_000,
      status: "PUBLISHED",
      publishedAt: new Date(now - 30 * day),
      createdAt: new Date(now - 31 * day),
    });
    const questions: { id: string; marks: number; correctOption: number; topic: string; difficulty: number }[] = [];
    let position = 0;
    for (const section of SECTIONS) {
      for (let i = 0; i < section.count; i++) {
        position += 1;
        const difficulty = ["EASY", "MEDIUM", "HARD"][Math.floor(random() * 3)];
        const question = em.assessments.create(assessments.e.Question, {
          test,
          position,
          prompt: `${section.prompt} (${position})?`,
          options: ["Option A", "Option B", "Option C", "Option D"],
          correctOption: Math.floor(random() * 4),
          topic: section.topic,
          difficulty,
          marks: 1,
        });
        questions.push({ id: question.id, marks: 1, correctOption: question.correctOption, topic: question.topic, difficulty: ["EASY", "MEDIUM", "HARD"].indexOf(difficulty) });
      }
    }
    await em.assessments.flush();

    // Ability ~ N(0.55, 0.15): the chance of knowing an answer, less for harder questions; a
    // student who does not know skips 60 % of the time and guesses otherwise.
    const answerRows: object[] = [];
    for (const [i, student] of students.entries()) {
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
      em.assessments.create(assessments.e.Attempt, {
        id: attemptId,
        test,
        userId: student.id,
        status: "SUBMITTED",
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
        answerRows.push({ id: crypto.randomUUID(), attempt_id: attemptId, question_id: answer.questionId, choice: answer.choice, answered_at: submittedAt });
      }
      const completed = Math.floor(ability * lessons.length);
      for (const lesson of lessons.slice(0, completed)) {
        em.assessments.create(assessments.e.LessonCompletion, { userId: student.id, lessonId: lesson.id, courseId: course.id, completedAt: startedAt });
      }
      const sessionStart = new Date(startedAt.getTime() - day);
      em.assessments.create(assessments.e.StudySession, {
        userId: student.id,
        courseId: course.id,
        lessonId: lessons[completed % lessons.length].id,
        status: "ENDED",
        startedAt: sessionStart,
        endedAt: new Date(sessionStart.getTime() + 45 * 60_000),
        lastActivityAt: new Date(sessionStart.getTime() + 45 * 60_000),
        progressPercent: Math.round(ability * 100),
        focusSeconds: 1800 + Math.floor(random() * 900),
      });
    }
    await em.assessments.flush();
    const answers = em.assessments.getKysely().withSchema("assessments");
    for (let i = 0; i < answerRows.length; i += 2000) await answers.insertInto("answers").values(answerRows.slice(i, i + 2000)).execute();

    log(`Seeded: ${admin.email} (ADMIN), ${instructor.email} (INSTRUCTOR), ${students.length} students (student001@demo.solo …), password "${PASSWORD}".`);
    log(`Course "${course.title}" (slug ${course.slug}) with ${lessons.length} lessons, ${MATERIALS.length} reading materials, a deck of ${MAXIMS.length} maxims.`);
    log(`Mock test "${test.title}" (${questions.length} questions, id ${test.id}) with ${students.length} submitted attempts and ${answerRows.length} answers.`);
    return true;
  } finally {
    await users.orm.close();
    await content.orm.close();
    await assessments.orm.close();
  }
}

/** The database `npm start` uses: DATABASE_URL, or the embedded one (started here if it is not running). */
async function main() {
  let databaseUrl = process.env.DATABASE_URL;
  let stop: (() => Promise<void>) | undefined;
  if (!databaseUrl) {
    const port = envInt("EMBEDDED_POSTGRES_PORT", 54320);
    const adminUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
    const running = await new Client({ connectionString: adminUrl }).connect().then(
      () => true,
      () => false,
    );
    if (!running) {
      const postgres = await startEmbeddedPostgres({ dir: path.join(dataDir(), "postgres"), port });
      stop = () => postgres.stop();
    }
    databaseUrl = await ensureDatabase(adminUrl, "solo");
  }
  try {
    await seed(databaseUrl);
  } finally {
    await stop?.();
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}

import type { GraphQLClient } from "./stack";

export interface QuestionSpec {
  correctOption: number;
  topic?: string;
  marks?: number;
}

/** A published test with the given questions (4 options each), through the contract operations. */
export async function publishedTest(
  client: GraphQLClient,
  questions: QuestionSpec[],
  options: { title?: string; courseId?: string; durationMinutes?: number; negativeMarking?: number; candidates?: number; maxAttempts?: number } = {},
) {
  const created = await client.op("CreateMockTest", {
    input: {
      title: options.title ?? "Mock CLAT",
      courseId: options.courseId,
      durationMinutes: options.durationMinutes ?? 120,
      negativeMarking: options.negativeMarking ?? 0.25,
      candidates: options.candidates,
      maxAttempts: options.maxAttempts,
    },
  });
  if (created.errors) throw new Error(JSON.stringify(created.errors));
  const test = created.data.createMockTest;
  const questionIds: string[] = [];
  for (const [index, question] of questions.entries()) {
    const added = await client.op("AddQuestion", {
      testId: test.id,
      input: {
        prompt: `Question ${index + 1}`,
        options: ["A", "B", "C", "D"],
        correctOption: question.correctOption,
        topic: question.topic ?? "legal",
        difficulty: "MEDIUM",
        marks: question.marks ?? 1,
      },
    });
    if (added.errors) throw new Error(JSON.stringify(added.errors));
    questionIds.push(added.data.addQuestion.id);
  }
  const published = await client.op("PublishMockTest", { id: test.id });
  if (published.errors) throw new Error(JSON.stringify(published.errors));
  return { id: test.id as string, questionIds };
}

/** Starts, answers (choices by question index; undefined skips) and submits. */
export async function sit(client: GraphQLClient, testId: string, questionIds: string[], choices: (number | null | undefined)[]) {
  const started = await client.op("StartAttempt", { testId });
  if (started.errors) throw new Error(JSON.stringify(started.errors));
  const attemptId = started.data.startAttempt.id;
  for (const [index, choice] of choices.entries()) {
    if (choice === undefined) continue;
    const answered = await client.op("AnswerQuestion", { attemptId, questionId: questionIds[index], choice });
    if (answered.errors) throw new Error(JSON.stringify(answered.errors));
  }
  const submitted = await client.op("SubmitAttempt", { attemptId });
  if (submitted.errors) throw new Error(JSON.stringify(submitted.errors));
  return submitted.data.submitAttempt;
}

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ManualClock } from "@solo/kit";
import { Client } from "pg";
import type { GraphQLResponse, Stack } from "../src/stack";
import { register, registerAdmin, startStack, tableSnapshot } from "../src/stack";
import { publishedCourse, registerWithRole } from "../src/content-fixtures";
import { publishedTest, sit } from "../src/assessment-fixtures";

const MINUTE = 60_000;

describe("mock tests and attempts", () => {
  let stack: Stack;
  let clock: ManualClock;
  let instructor: Awaited<ReturnType<typeof registerWithRole>>;

  before(async () => {
    clock = new ManualClock(new Date("2026-11-22T09:00:00Z"));
    stack = await startStack({ subgraphs: { assessments: { clock } } });
    instructor = await registerWithRole(stack, "INSTRUCTOR", "Ina");
  });
  after(() => stack.close());

  it("builds a test on a course the author owns, keeps drafts private, and publishes with totals", async () => {
    const course = await publishedCourse(instructor.client, "CLAT Prep");
    const created = await instructor.client.op("CreateMockTest", {
      input: { title: "Full Mock 1", courseId: course.id, durationMinutes: 120, negativeMarking: 0.25 },
    });
    assert.equal(created.errors, undefined);
    assert.deepEqual(created.data.createMockTest.course, { id: course.id, title: "CLAT Prep" });
    assert.equal(created.data.createMockTest.status, "DRAFT");
    const testId = created.data.createMockTest.id;
    for (const marks of [1, 1, 2]) {
      const q = await instructor.client.op("AddQuestion", {
        testId,
        input: { prompt: "Which?", options: ["a", "b", "c", "d"], correctOption: 1, topic: "logic", difficulty: "EASY", marks },
      });
      assert.equal(q.errors, undefined);
    }
    const student = await register(stack);
    const hidden = await student.client.request(`query($id: ID!) { mockTest(id: $id) { id } }`, { id: testId });
    assert.equal(hidden.data.mockTest, null);
    const published = await instructor.client.op("PublishMockTest", { id: testId });
    assert.deepEqual(published.data.publishMockTest, { id: testId, status: "PUBLISHED", questionCount: 3, totalMarks: 4 });
    const listed = await student.client.op("MockTests", { courseId: course.id });
    assert.equal(listed.data.mockTests.edges[0].node.course.title, "CLAT Prep");
    const locked = await instructor.client.op("AddQuestion", {
      testId,
      input: { prompt: "Late", options: ["a", "b"], correctOption: 0, topic: "x", difficulty: "EASY", marks: 1 },
    });
    assert.equal(locked.errors?.[0].extensions?.code, "BAD_USER_INPUT", "a published test does not change");
    const before = await tableSnapshot(stack, "assessments");
    const bad = await instructor.client.op("AddQuestion", {
      testId,
      input: { prompt: "x", options: ["only"], correctOption: 3, topic: " ", difficulty: "EASY", marks: 0 },
    });
    assert.equal(bad.errors?.[0].extensions?.code, "BAD_USER_INPUT");
    const notYourCourse = await (
      await registerWithRole(stack, "INSTRUCTOR")
    ).client.op("CreateMockTest", {
      input: { title: "Squatter", courseId: course.id, durationMinutes: 10, negativeMarking: 0 },
    });
    assert.equal(notYourCourse.errors?.[0].extensions?.code, "FORBIDDEN");
    const studentTest = await student.client.op("CreateMockTest", { input: { title: "Mine", durationMinutes: 10, negativeMarking: 0 } });
    assert.equal(studentTest.errors?.[0].extensions?.code, "FORBIDDEN");
    assert.deepEqual(await tableSnapshot(stack, "assessments"), before);
  });

  it("scores with negative marking, breaks down by topic, and ranks by percentile", async () => {
    const test = await publishedTest(instructor.client, [
      { correctOption: 0, topic: "english" },
      { correctOption: 1, topic: "english" },
      { correctOption: 2, topic: "logic", marks: 2 },
      { correctOption: 3, topic: "logic" },
    ]);
    const ada = await register(stack, { displayName: "Ada" });
    // right, wrong, right, blank: 1 − 0.25 + 2 = 2.75 of 5
    const result = await sit(ada.client, test.id, test.questionIds, [0, 0, 2, undefined]);
    assert.deepEqual(
      {
        status: result.status,
        score: result.score,
        maxScore: result.maxScore,
        counts: [result.correctCount, result.incorrectCount, result.unansweredCount],
        percentile: result.percentile,
      },
      { status: "SUBMITTED", score: 2.75, maxScore: 5, counts: [2, 1, 1], percentile: 100 },
    );
    assert.deepEqual(result.breakdown, [
      { topic: "english", correct: 1, incorrect: 1, unanswered: 0, score: 0.75 },
      { topic: "logic", correct: 1, incorrect: 0, unanswered: 1, score: 2 },
    ]);
    const ben = await register(stack, { displayName: "Ben" });
    const benResult = await sit(ben.client, test.id, test.questionIds, [0, 1, 2, 3]); // 5 of 5
    assert.equal(benResult.percentile, 100);
    // Ada's percentile is recomputed on read: Ben scored higher.
    const adaLater = await ada.client.op("Attempt", { id: result.id });
    assert.equal(adaLater.data.attempt.user.displayName, "Ada");
    const mine = await ada.client.op("MyAttempts", { first: 5 });
    assert.equal(mine.data.me.attempts.edges[0].node.percentile, 0);
    assert.equal(mine.data.me.attempts.totalCount, 1);
    assert.equal((await ben.client.op("Attempt", { id: result.id })).data.attempt, null, "attempts are their owner's");
  });

  it("never shows a taker the answers before their attempt is over; authors and admins always", async () => {
    const test = await publishedTest(instructor.client, [{ correctOption: 2 }, { correctOption: 1 }]);
    const query = `query($id: ID!) { mockTest(id: $id) { questions { id correctOption } } }`;
    const student = await register(stack);
    const started = await student.client.op("StartAttempt", { testId: test.id });
    assert.ok(started.data.startAttempt.test.questions.length === 2);
    const during = await student.client.request(`mutation($id: ID!) { startAttempt(testId: $id) { test { questions { correctOption } } } }`, { id: test.id });
    assert.deepEqual(during.data.startAttempt.test.questions, [{ correctOption: null }, { correctOption: null }]);
    assert.deepEqual(
      (await student.client.request(query, { id: test.id })).data.mockTest.questions.map((q: any) => q.correctOption),
      [null, null],
    );
    assert.deepEqual(
      (await stack.client().request(query, { id: test.id })).data.mockTest.questions.map((q: any) => q.correctOption),
      [null, null],
    );
    assert.deepEqual(
      (await instructor.client.request(query, { id: test.id })).data.mockTest.questions.map((q: any) => q.correctOption),
      [2, 1],
    );
    const admin = await registerAdmin(stack);
    assert.deepEqual(
      (await admin.client.request(query, { id: test.id })).data.mockTest.questions.map((q: any) => q.correctOption),
      [2, 1],
    );
    await student.client.op("SubmitAttempt", { attemptId: started.data.startAttempt.id });
    assert.deepEqual(
      (await student.client.request(query, { id: test.id })).data.mockTest.questions.map((q: any) => q.correctOption),
      [2, 1],
    );

    // Sitting it again: hidden again, in the startAttempt payload and everywhere else.
    const retake = await student.client.request(`mutation($id: ID!) { startAttempt(testId: $id) { id test { questions { correctOption } } } }`, { id: test.id });
    assert.deepEqual(retake.data.startAttempt.test.questions, [{ correctOption: null }, { correctOption: null }]);
    assert.deepEqual(
      (await student.client.request(query, { id: test.id })).data.mockTest.questions.map((q: any) => q.correctOption),
      [null, null],
    );
    await student.client.op("SubmitAttempt", { attemptId: retake.data.startAttempt.id });
    assert.deepEqual(
      (await student.client.request(query, { id: test.id })).data.mockTest.questions.map((q: any) => q.correctOption),
      [2, 1],
    );
  });

  it("ranks only a first submitted attempt: a blank submit, the answers read, a perfect re-sit moves nobody", async () => {
    const course = await publishedCourse(instructor.client, "Gaming course");
    const test = await publishedTest(instructor.client, [{ correctOption: 2 }, { correctOption: 0 }, { correctOption: 3 }, { correctOption: 1 }], {
      courseId: course.id,
      candidates: 1000,
    });
    const answersQuery = `query($id: ID!) { mockTest(id: $id) { questions { correctOption } } }`;
    const answers = async (client: typeof instructor.client) =>
      (await client.request(answersQuery, { id: test.id })).data.mockTest.questions.map((q: any) => q.correctOption);
    const attemptQuery = `query($id: ID!) { attempt(id: $id) { status score ranked percentile breakdown { topic correct } } }`;
    const [rivalA, rivalB, gamer, late] = await Promise.all(["Rival A", "Rival B", "Gamer", "Late Rival"].map((displayName) => register(stack, { displayName })));
    clock.advance(MINUTE);
    const a = await sit(rivalA.client, test.id, test.questionIds, [2, 0, 3, null]); // 3
    clock.advance(MINUTE);
    const b = await sit(rivalB.client, test.id, test.questionIds, [2, 0, null, null]); // 2

    // The gamer's first sitting: nothing to see during it, submitted blank.
    clock.advance(MINUTE);
    const first = (await gamer.client.request(`mutation($t: ID!) { startAttempt(testId: $t) { id test { questions { correctOption } } } }`, { t: test.id })).data
      .startAttempt;
    assert.deepEqual(
      first.test.questions.map((q: any) => q.correctOption),
      [null, null, null, null],
    );
    assert.deepEqual(await answers(gamer.client), [null, null, null, null]);
    await gamer.client.op("SubmitAttempt", { attemptId: first.id });
    assert.deepEqual((await gamer.client.request(attemptQuery, { id: first.id })).data.attempt, {
      status: "SUBMITTED",
      score: 0,
      ranked: true,
      percentile: 0, // below 3 and 2
      breakdown: [{ topic: "legal", correct: 0 }],
    });
    // Submitted: the answers are there to read.
    const revealed = await answers(gamer.client);
    assert.deepEqual(revealed, [2, 0, 3, 1]);
    const boardBefore = (await stack.client().op("Leaderboard", { testId: test.id, first: 10 })).data.leaderboard;
    assert.deepEqual(
      boardBefore.map((row: any) => [row.rank, row.user.displayName, row.score]),
      [
        [1, "Rival A", 3],
        [2, "Rival B", 2],
        [3, "Gamer", 0],
      ],
    );
    const rivalsPercentiles = async () => [
      (await rivalA.client.request(attemptQuery, { id: a.id })).data.attempt.percentile,
      (await rivalB.client.request(attemptQuery, { id: b.id })).data.attempt.percentile,
    ];
    assert.deepEqual(await rivalsPercentiles(), [100, 50]); // A above 2 and 0; B above 0, below 3: 1 / 2

    // The re-sit: answers hidden again while it lasts, then a perfect score.
    clock.advance(MINUTE);
    const resit = (await gamer.client.request(`mutation($t: ID!) { startAttempt(testId: $t) { id test { questions { correctOption } } } }`, { t: test.id })).data
      .startAttempt;
    assert.notEqual(resit.id, first.id);
    assert.deepEqual(
      resit.test.questions.map((q: any) => q.correctOption),
      [null, null, null, null],
    );
    assert.deepEqual(await answers(gamer.client), [null, null, null, null]);
    for (const [index, questionId] of test.questionIds.entries()) {
      await gamer.client.op("AnswerQuestion", { attemptId: resit.id, questionId, choice: revealed[index] });
    }
    const perfect = (await gamer.client.op("SubmitAttempt", { attemptId: resit.id })).data.submitAttempt;
    assert.deepEqual([perfect.status, perfect.score, perfect.maxScore, perfect.percentile], ["SUBMITTED", 4, 4, 100]);

    // Scored and reviewable, but practice: the board and the others' percentiles have not moved.
    assert.deepEqual((await gamer.client.request(attemptQuery, { id: resit.id })).data.attempt, {
      status: "SUBMITTED",
      score: 4,
      ranked: false,
      percentile: 100, // above the other users' ranked 3 and 2
      breakdown: [{ topic: "legal", correct: 4 }],
    });
    const mine = await gamer.client.request(`{ me { attempts(first: 5) { edges { node { id ranked score } } } } }`);
    assert.deepEqual(
      mine.data.me.attempts.edges.map((edge: any) => edge.node),
      [
        { id: resit.id, ranked: false, score: 4 },
        { id: first.id, ranked: true, score: 0 },
      ],
    );
    assert.deepEqual((await stack.client().op("Leaderboard", { testId: test.id, first: 10 })).data.leaderboard, boardBefore);
    assert.deepEqual(await rivalsPercentiles(), [100, 50]);
    assert.equal((await gamer.client.request(attemptQuery, { id: first.id })).data.attempt.percentile, 0);
    // Someone who later scores 4 tops everyone's ranked attempts: the gamer's 4 is no tie for them.
    clock.advance(MINUTE);
    const top = await sit(late.client, test.id, test.questionIds, [2, 0, 3, 1]);
    assert.equal(top.percentile, 100);
    const board = (await stack.client().op("Leaderboard", { testId: test.id, first: 10 })).data.leaderboard;
    assert.deepEqual(
      board.map((row: any) => [row.rank, row.user.displayName, row.score]),
      [
        [1, "Late Rival", 4],
        [2, "Rival A", 3],
        [3, "Rival B", 2],
        [4, "Gamer", 0],
      ],
    );
    const rows = await stack.db.query("select count(*)::int as n from assessments.attempts where user_id = $1 and ranked", [gamer.user.id]);
    assert.equal(rows.rows[0].n, 1);

    // The gamer's own prediction counts both submitted attempts, each among the others' ranked ones
    // as they stand now: 0 (below 4, 3, 2) and 83.333333 (above 3, 2, tied with 4: 2.5 / 3).
    // Mean 41.666667 and σ 41.666667: floor(0.58333 × 1000) + 1 = 584, from 167 (at 83.33) to 1000 (at 0, clamped).
    const prediction = (await gamer.client.op("RankPrediction", { testId: test.id })).data.rankPrediction;
    assert.deepEqual(prediction, { predictedRank: 584, rankLow: 167, rankHigh: 1000, percentile: 41.666667, candidates: 1000, basedOnAttempts: 2 });
  });

  it("hides the answers from a sitting started in the same request as a submission", async () => {
    const test = await publishedTest(instructor.client, [{ correctOption: 2 }, { correctOption: 1 }]);
    const student = await register(stack);
    const attemptId = (await student.client.op("StartAttempt", { testId: test.id })).data.startAttempt.id;
    const both = await student.client.request(
      `mutation($a: ID!, $t: ID!) {
         submitted: submitAttempt(attemptId: $a) { status test { questions { correctOption } } }
         again: startAttempt(testId: $t) { status test { questions { correctOption } } }
       }`,
      { a: attemptId, t: test.id },
    );
    assert.equal(both.errors, undefined);
    assert.deepEqual(both.data.submitted, { status: "SUBMITTED", test: { questions: [{ correctOption: 2 }, { correctOption: 1 }] } });
    assert.deepEqual(both.data.again, { status: "IN_PROGRESS", test: { questions: [{ correctOption: null }, { correctOption: null }] } });
  });

  it("limits attempts to maxAttempts: refused beyond it with nothing written, the attempt in progress still returned", async () => {
    const before = await tableSnapshot(stack, "assessments");
    for (const maxAttempts of [0, 101]) {
      const refused = await instructor.client.request(`mutation($input: CreateMockTestInput!) { createMockTest(input: $input) { id } }`, {
        input: { title: "Capped", durationMinutes: 10, negativeMarking: 0, maxAttempts },
      });
      assert.equal(refused.errors?.[0].extensions?.code, "BAD_USER_INPUT");
      assert.deepEqual(
        refused.errors?.[0].extensions?.fields.map((field: any) => field.field),
        ["maxAttempts"],
      );
    }
    assert.deepEqual(await tableSnapshot(stack, "assessments"), before);

    const test = await publishedTest(instructor.client, [{ correctOption: 0 }], { maxAttempts: 2, durationMinutes: 10 });
    const unlimited = await publishedTest(instructor.client, [{ correctOption: 0 }]);
    const student = await register(stack);
    const maxOf = async (id: string) => (await student.client.request(`query($id: ID!) { mockTest(id: $id) { maxAttempts } }`, { id })).data.mockTest.maxAttempts;
    assert.deepEqual([await maxOf(test.id), await maxOf(unlimited.id)], [2, null]);

    await sit(student.client, test.id, test.questionIds, [1]);
    // Five starts at once, one attempt left: all get the same attempt, and it is the second.
    const starts = await Promise.all(Array.from({ length: 5 }, () => student.client.op("StartAttempt", { testId: test.id })));
    assert.deepEqual(
      starts.map((start) => start.errors),
      [undefined, undefined, undefined, undefined, undefined],
    );
    const second = starts[0].data.startAttempt.id;
    assert.ok(starts.every((start) => start.data.startAttempt.id === second));
    assert.equal((await student.client.op("StartAttempt", { testId: test.id })).data.startAttempt.id, second, "at the cap, the attempt in progress is returned");
    await student.client.op("SubmitAttempt", { attemptId: second });

    const atCap = await tableSnapshot(stack, "assessments");
    const third = await student.client.op("StartAttempt", { testId: test.id });
    assert.equal(third.errors?.[0].extensions?.code, "BAD_USER_INPUT");
    assert.equal(third.errors?.[0].extensions?.reason, "ATTEMPTS_EXHAUSTED");
    assert.deepEqual(await tableSnapshot(stack, "assessments"), atCap, "a refused start writes nothing");
    const count = await stack.db.query("select count(*)::int as n, count(*) filter (where ranked)::int as ranked from assessments.attempts where test_id = $1", [
      test.id,
    ]);
    assert.deepEqual(count.rows[0], { n: 2, ranked: 1 });

    // An attempt left past its deadline at the cap: no new one, and it is closed by submitting it.
    const once = await publishedTest(instructor.client, [{ correctOption: 0 }], { maxAttempts: 1, durationMinutes: 10 });
    const started = (await student.client.op("StartAttempt", { testId: once.id })).data.startAttempt;
    await student.client.op("AnswerQuestion", { attemptId: started.id, questionId: once.questionIds[0], choice: 0 });
    clock.advance(11 * MINUTE);
    const beforeRefusal = await tableSnapshot(stack, "assessments");
    const refused = await student.client.op("StartAttempt", { testId: once.id });
    assert.equal(refused.errors?.[0].extensions?.reason, "ATTEMPTS_EXHAUSTED");
    assert.deepEqual(await tableSnapshot(stack, "assessments"), beforeRefusal);
    const closed = await student.client.request(`mutation($a: ID!) { submitAttempt(attemptId: $a) { status score ranked } }`, { a: started.id });
    assert.deepEqual(closed.data.submitAttempt, { status: "EXPIRED", score: 1, ranked: true });
  });

  it("returns the attempt in progress, refuses answers after the deadline, and scores a late submit as EXPIRED on in-time answers", async () => {
    const test = await publishedTest(instructor.client, [{ correctOption: 0 }, { correctOption: 1 }], { durationMinutes: 30 });
    const student = await register(stack);
    const first = await student.client.op("StartAttempt", { testId: test.id });
    const attemptId = first.data.startAttempt.id;
    assert.equal(new Date(first.data.startAttempt.deadline).getTime() - new Date(first.data.startAttempt.startedAt).getTime(), 30 * MINUTE);
    assert.equal((await student.client.op("StartAttempt", { testId: test.id })).data.startAttempt.id, attemptId, "same attempt while in progress");
    await student.client.op("AnswerQuestion", { attemptId, questionId: test.questionIds[0], choice: 0 });
    clock.advance(31 * MINUTE);
    const late = await student.client.op("AnswerQuestion", { attemptId, questionId: test.questionIds[1], choice: 1 });
    assert.equal(late.errors?.[0].extensions?.reason, "DEADLINE_PASSED");
    // A row written after the deadline (a request that slipped past the check) does not count.
    await stack.db.query("insert into assessments.answers (id, attempt_id, question_id, choice, answered_at) values (gen_random_uuid(), $1, $2, 1, $3)", [
      attemptId,
      test.questionIds[1],
      clock.now(),
    ]);
    const submitted = await student.client.op("SubmitAttempt", { attemptId });
    assert.deepEqual({ status: submitted.data.submitAttempt.status, score: submitted.data.submitAttempt.score }, { status: "EXPIRED", score: 1 });
    assert.deepEqual(submitted.data.submitAttempt.breakdown[0], { topic: "legal", correct: 1, incorrect: 0, unanswered: 1, score: 1 });
    const afterwards = await student.client.op("AnswerQuestion", { attemptId, questionId: test.questionIds[1], choice: 1 });
    assert.equal(afterwards.errors?.[0].extensions?.reason, "ATTEMPT_FINISHED");
  });

  it("closes an attempt left past its deadline when the taker starts again", async () => {
    const test = await publishedTest(instructor.client, [{ correctOption: 0 }], { durationMinutes: 10 });
    const student = await register(stack);
    const first = (await student.client.op("StartAttempt", { testId: test.id })).data.startAttempt;
    clock.advance(11 * MINUTE);
    const second = (await student.client.op("StartAttempt", { testId: test.id })).data.startAttempt;
    assert.notEqual(second.id, first.id);
    assert.equal((await student.client.op("Attempt", { id: first.id })).data.attempt.status, "EXPIRED");
    // Closed first, so it is the ranked one; the sitting that closed it is practice.
    await student.client.op("AnswerQuestion", { attemptId: second.id, questionId: test.questionIds[0], choice: 0 });
    await student.client.op("SubmitAttempt", { attemptId: second.id });
    const ranked = `query($id: ID!) { attempt(id: $id) { ranked score } }`;
    assert.deepEqual((await student.client.request(ranked, { id: first.id })).data.attempt, { ranked: true, score: 0 });
    assert.deepEqual((await student.client.request(ranked, { id: second.id })).data.attempt, { ranked: false, score: 1 });
    const board = await stack.client().op("Leaderboard", { testId: test.id, first: 10 });
    assert.deepEqual(
      board.data.leaderboard.map((row: any) => [row.user.id, row.score]),
      [[student.user.id, 0]],
    );
  });

  it("gives two concurrent submissions one result and the same score", async () => {
    const test = await publishedTest(instructor.client, [{ correctOption: 0 }, { correctOption: 1 }, { correctOption: 2 }]);
    const student = await register(stack);
    const attemptId = (await student.client.op("StartAttempt", { testId: test.id })).data.startAttempt.id;
    await student.client.op("AnswerQuestion", { attemptId, questionId: test.questionIds[0], choice: 0 });
    await student.client.op("AnswerQuestion", { attemptId, questionId: test.questionIds[1], choice: 3 });
    const [a, b] = await Promise.all([student.client.op("SubmitAttempt", { attemptId }), student.client.op("SubmitAttempt", { attemptId })]);
    assert.deepEqual(a.data.submitAttempt, b.data.submitAttempt);
    assert.equal(a.data.submitAttempt.score, 0.75);
    // Submitting again later (past the deadline even) returns the same result, unchanged.
    clock.advance(200 * MINUTE);
    const again = await student.client.op("SubmitAttempt", { attemptId });
    assert.deepEqual(again.data.submitAttempt, a.data.submitAttempt);
    const row = await stack.db.query("select status, submitted_at, score from assessments.attempts where id = $1", [attemptId]);
    assert.deepEqual(
      { status: row.rows[0].status, submittedAt: row.rows[0].submitted_at.toISOString(), score: row.rows[0].score },
      { status: "SUBMITTED", submittedAt: new Date(a.data.submitAttempt.submittedAt).toISOString(), score: 0.75 },
    );
    const ranked = await stack.db.query("select id from assessments.attempts where test_id = $1 and ranked", [test.id]);
    assert.deepEqual(ranked.rows, [{ id: attemptId }]);
  });

  it("clears an answer with choice null and refuses choices out of range", async () => {
    const test = await publishedTest(instructor.client, [{ correctOption: 0 }]);
    const student = await register(stack);
    const attemptId = (await student.client.op("StartAttempt", { testId: test.id })).data.startAttempt.id;
    assert.equal((await student.client.op("AnswerQuestion", { attemptId, questionId: test.questionIds[0], choice: 0 })).data.answerQuestion.answeredCount, 1);
    assert.equal((await student.client.op("AnswerQuestion", { attemptId, questionId: test.questionIds[0], choice: null })).data.answerQuestion.answeredCount, 0);
    const out = await student.client.op("AnswerQuestion", { attemptId, questionId: test.questionIds[0], choice: 4 });
    assert.equal(out.errors?.[0].extensions?.code, "BAD_USER_INPUT");
    const other = await register(stack);
    const theirs = await other.client.op("AnswerQuestion", { attemptId, questionId: test.questionIds[0], choice: 0 });
    assert.equal(theirs.errors?.[0].extensions?.code, "NOT_FOUND");
  });

  it("ranks a leaderboard by each person's ranked attempt, ties by earlier submission, and predicts rank from percentiles", async () => {
    const course = await publishedCourse(instructor.client, "Ranked course");
    const test = await publishedTest(instructor.client, [{ correctOption: 0 }, { correctOption: 0 }, { correctOption: 0 }, { correctOption: 0 }], {
      courseId: course.id,
      candidates: 1000,
    });
    const people = [];
    for (const [name, choices] of [
      ["P4", [0, 0, 0, 0]],
      ["P3", [0, 0, 0, null]],
      ["P3b", [0, 0, 0, null]],
      ["P1", [0, null, null, null]],
    ] as const) {
      const person = await register(stack, { displayName: name });
      clock.advance(MINUTE);
      await sit(person.client, test.id, test.questionIds, [...choices]);
      people.push(person);
    }
    const board = await stack.client().op("Leaderboard", { testId: test.id, first: 10 });
    assert.deepEqual(
      board.data.leaderboard.map((row: any) => [row.rank, row.user.displayName, row.score]),
      [
        [1, "P4", 4],
        [2, "P3", 3],
        [3, "P3b", 3],
        [4, "P1", 1],
      ],
    );
    // P3 scored 3 against the others' ranked 4, 3, 1: (1 + ½) / 3 = 50th percentile; of 1000: floor(0.5 × 1000) + 1
    const prediction = await people[1].client.op("RankPrediction", { testId: test.id });
    assert.deepEqual(prediction.data.rankPrediction, { predictedRank: 501, rankLow: 501, rankHigh: 501, percentile: 50, candidates: 1000, basedOnAttempts: 1 });
    const nobody = await (await register(stack)).client.op("RankPrediction", { testId: test.id });
    assert.equal(nobody.data.rankPrediction, null);

    // A weaker second attempt by P4 is practice, measured against the other users' ranked attempts
    // (P4's own first attempt is not among them): 3, 3, 1 → score 2 beats one: 100 × 1 / 3.
    const weaker = await sit(people[0].client, test.id, test.questionIds, [0, 0, null, null]);
    assert.equal(weaker.percentile, 33.333333);
    const after = await stack.client().op("Leaderboard", { testId: test.id, first: 10 });
    assert.deepEqual(after.data.leaderboard, board.data.leaderboard, "P4 stays on the board with the first attempt, once");
  });

  it("keeps a test of a draft course unpublished until the course is", async () => {
    const draft = (await instructor.client.op("CreateCourse", { input: { title: "Unreleased", description: "x", level: "BEGINNER" } })).data.createCourse;
    await instructor.client.op("AddLesson", { courseId: draft.id, input: { title: "L", body: "b", durationMinutes: 5 } });
    const created = (await instructor.client.op("CreateMockTest", { input: { title: "Early", courseId: draft.id, durationMinutes: 10, negativeMarking: 0 } })).data
      .createMockTest;
    await instructor.client.op("AddQuestion", {
      testId: created.id,
      input: { prompt: "p", options: ["a", "b"], correctOption: 0, topic: "t", difficulty: "EASY", marks: 1 },
    });
    const refused = await instructor.client.op("PublishMockTest", { id: created.id });
    assert.equal(refused.errors?.[0].extensions?.code, "BAD_USER_INPUT");
    await instructor.client.op("PublishCourse", { id: draft.id });
    assert.equal((await instructor.client.op("PublishMockTest", { id: created.id })).data.publishMockTest.status, "PUBLISHED");
  });

  describe("a test's status against starts and edits running at the same moment", () => {
    const UNPUBLISH = "mutation ($id: ID!) { unpublishMockTest(id: $id) { id status } }";
    const stored = async (testId: string) => {
      const status = (await stack.db.query("select status from assessments.mock_tests where id = $1", [testId])).rows[0].status;
      const attempts = (await stack.db.query("select count(*)::int as n from assessments.attempts where test_id = $1", [testId])).rows[0].n;
      return { status, attempts };
    };
    /** Holds the test's row locked in a transaction of the test's own until `release`. */
    async function holdTestRow(testId: string, lock: string) {
      const holder = new Client({ connectionString: stack.databaseUrl });
      await holder.connect();
      await holder.query("begin");
      await holder.query(lock, [testId]);
      return async () => {
        await holder.query("commit");
        await holder.end();
      };
    }
    /** Until `count` statements of the stack's database wait for a lock. */
    async function lockWaiters(count: number) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const waiting = (await stack.db.query("select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'")).rows[0]
          .n;
        if (waiting >= count) return;
        assert.ok(Date.now() < deadline, `${waiting} of ${count} statements waiting for a lock`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    /** Every start either got an attempt or found no test; the unpublish was refused exactly when an attempt exists. */
    async function assertNeverAttemptedDraft(testId: string, unpublish: GraphQLResponse, starts: GraphQLResponse[]) {
      const { status, attempts } = await stored(testId);
      for (const start of starts) assert.ok(start.data?.startAttempt || start.errors?.[0].extensions?.code === "NOT_FOUND", JSON.stringify(start.errors));
      assert.equal(attempts, starts.filter((start) => start.data?.startAttempt).length);
      if (status === "DRAFT") {
        assert.equal(attempts, 0, "an attempt on a test that went back to draft");
        assert.equal(unpublish.data?.unpublishMockTest.status, "DRAFT");
      } else {
        assert.ok(attempts > 0);
        assert.equal(unpublish.errors?.[0].extensions?.code, "BAD_USER_INPUT", JSON.stringify(unpublish));
      }
    }

    it("never leaves an attempt on a test that went back to draft: starts and an unpublish let go at the same moment", async () => {
      const students = await Promise.all(Array.from({ length: 4 }, () => register(stack)));
      const test = await publishedTest(instructor.client, [{ correctOption: 0 }]);
      // Everyone reaches the test's row while it is held, and then all go at once: before the fix
      // the starts had read PUBLISHED and the unpublish had counted no attempt by then.
      const release = await holdTestRow(test.id, "select 1 from assessments.mock_tests where id = $1 for update");
      const unpublish = instructor.client.request(UNPUBLISH, { id: test.id });
      const starts = students.map((student) => student.client.op("StartAttempt", { testId: test.id }));
      await lockWaiters(1 + students.length);
      await release();
      await assertNeverAttemptedDraft(test.id, await unpublish, await Promise.all(starts));
    });

    it("never leaves an attempt on a test that went back to draft: rounds of starts racing an unpublish", async () => {
      const students = await Promise.all(Array.from({ length: 4 }, () => register(stack)));
      for (let round = 0; round < 5; round++) {
        const test = await publishedTest(instructor.client, [{ correctOption: 0 }]);
        const [unpublish, ...starts] = await Promise.all([
          instructor.client.request(UNPUBLISH, { id: test.id }),
          ...students.map((student) => student.client.op("StartAttempt", { testId: test.id })),
        ]);
        await assertNeverAttemptedDraft(test.id, unpublish, starts);
      }
    });

    it("adds no question to a test published while the question was on its way", async () => {
      const created = (await instructor.client.op("CreateMockTest", { input: { title: "Edited", durationMinutes: 10, negativeMarking: 0 } })).data.createMockTest;
      const question = { prompt: "p", options: ["a", "b"], correctOption: 0, topic: "t", difficulty: "EASY", marks: 1 };
      await instructor.client.op("AddQuestion", { testId: created.id, input: question });
      // A publish holds the row while it commits; the question arrives after the draft was checked.
      const publish = await holdTestRow(created.id, "update assessments.mock_tests set status = 'PUBLISHED', published_at = now() where id = $1");
      const added = instructor.client.op("AddQuestion", { testId: created.id, input: question });
      await lockWaiters(1);
      await publish();
      assert.equal((await added).errors?.[0].extensions?.code, "BAD_USER_INPUT");
      const questions = await stack.db.query("select count(*)::int as n from assessments.questions where test_id = $1", [created.id]);
      assert.equal(questions.rows[0].n, 1, "the published test keeps the questions it was published with");
    });
  });
});

describe("study sessions, progress, stats and reviews", () => {
  let stack: Stack;
  let clock: ManualClock;
  let instructor: Awaited<ReturnType<typeof registerWithRole>>;

  before(async () => {
    clock = new ManualClock(new Date("2026-11-22T09:00:00Z"));
    stack = await startStack({ subgraphs: { assessments: { clock } } });
    instructor = await registerWithRole(stack, "INSTRUCTOR");
  });
  after(() => stack.close());

  it("keeps one active session, progress that never goes down, and focus no faster than the clock", async () => {
    const course = await publishedCourse(instructor.client, "Study course", { lessons: 2 });
    const lessonId = (await stack.client().op("CourseBySlug", { slug: course.slug })).data.course.lessons[0].id;
    const student = await register(stack, { displayName: "Sam" });
    const first = await student.client.op("StartStudySession", { input: { courseId: course.id, lessonId } });
    assert.equal(first.errors, undefined);
    assert.deepEqual({ course: first.data.startStudySession.course.title, lesson: first.data.startStudySession.lesson.id }, { course: "Study course", lesson: lessonId });
    const sessionId = first.data.startStudySession.id;
    clock.advance(10 * MINUTE);
    const progressed = await student.client.op("RecordStudyProgress", { sessionId, input: { progressPercent: 40, addFocusSeconds: 300 } });
    assert.deepEqual(progressed.data.recordStudyProgress, { id: sessionId, progressPercent: 40, focusSeconds: 300 });
    const lower = await student.client.op("RecordStudyProgress", { sessionId, input: { progressPercent: 10, addFocusSeconds: 0 } });
    assert.equal(lower.data.recordStudyProgress.progressPercent, 40);
    const tooFast = await student.client.op("RecordStudyProgress", { sessionId, input: { progressPercent: 50, addFocusSeconds: 301 } });
    assert.equal(tooFast.errors?.[0].extensions?.code, "BAD_USER_INPUT", "600 s elapsed: 300 + 301 is too much");

    const second = await student.client.op("StartStudySession", { input: { courseId: course.id } });
    assert.equal(second.errors, undefined, JSON.stringify(second.errors));
    const firstNow = await stack.db.query("select status from assessments.study_sessions where id = $1", [sessionId]);
    assert.equal(firstNow.rows[0].status, "ENDED", "starting another ends the previous one");
    const ended = await student.client.op("EndStudySession", { sessionId: second.data.startStudySession.id });
    assert.equal(ended.data.endStudySession.status, "ENDED");

    const stranger = await register(stack);
    assert.equal((await stranger.client.op("EndStudySession", { sessionId })).errors?.[0].extensions?.code, "NOT_FOUND");
    const wrongLesson = await student.client.op("StartStudySession", { input: { courseId: course.id, lessonId: "00000000-0000-4000-8000-000000000000" } });
    assert.equal(wrongLesson.errors?.[0].extensions?.code, "BAD_USER_INPUT");
  });

  it("treats a session idle past the limit as ended, even before the job sweeps it", async () => {
    const course = await publishedCourse(instructor.client, "Stale course");
    const student = await register(stack);
    const sessionId = (await student.client.op("StartStudySession", { input: { courseId: course.id } })).data.startStudySession.id;
    clock.advance(45 * MINUTE);
    const revived = await student.client.op("RecordStudyProgress", { sessionId, input: { progressPercent: 50, addFocusSeconds: 2000 } });
    assert.equal(revived.errors?.[0].extensions?.code, "BAD_USER_INPUT");
    const row = await stack.db.query("select status, focus_seconds from assessments.study_sessions where id = $1", [sessionId]);
    assert.deepEqual(row.rows[0], { status: "ENDED", focus_seconds: 0 });
  });

  it("ends sessions idle for 30 minutes through the periodic job", async () => {
    const course = await publishedCourse(instructor.client, "Idle course");
    const student = await register(stack);
    const sessionId = (await student.client.op("StartStudySession", { input: { courseId: course.id } })).data.startStudySession.id;
    clock.advance(29 * MINUTE);
    await stack.subgraph("assessments").runJobNow("end-idle-study-sessions");
    assert.equal((await stack.db.query("select status from assessments.study_sessions where id = $1", [sessionId])).rows[0].status, "ACTIVE");
    clock.advance(2 * MINUTE);
    await stack.subgraph("assessments").runJobNow("end-idle-study-sessions");
    const row = await stack.db.query("select status, ended_at, last_activity_at from assessments.study_sessions where id = $1", [sessionId]);
    assert.equal(row.rows[0].status, "ENDED");
    assert.equal(row.rows[0].ended_at.getTime(), row.rows[0].last_activity_at.getTime(), "it ended when activity stopped");
  });

  it("completes lessons idempotently and shows progress on the course through @requires", async () => {
    const course = await publishedCourse(instructor.client, "Progress course", { lessons: 4 });
    const lessons = (await stack.client().op("CourseBySlug", { slug: course.slug })).data.course.lessons;
    const student = await register(stack);
    const once = await student.client.op("CompleteLesson", { lessonId: lessons[0].id });
    const twice = await student.client.op("CompleteLesson", { lessonId: lessons[0].id });
    assert.deepEqual(twice.data.completeLesson, once.data.completeLesson);
    assert.deepEqual(once.data.completeLesson, { completedLessons: 1, totalLessons: 4, percent: 25, course: { id: course.id, title: "Progress course" } });
    await student.client.op("CompleteLesson", { lessonId: lessons[1].id });
    const progress = await student.client.op("CourseProgress", { slug: course.slug });
    assert.deepEqual(progress.data.course.myProgress, { completedLessons: 2, totalLessons: 4, percent: 50 });
    assert.equal((await stack.client().op("CourseProgress", { slug: course.slug })).data.course.myProgress, null);
    const missing = await student.client.op("CompleteLesson", { lessonId: "00000000-0000-4000-8000-000000000000" });
    assert.equal(missing.errors?.[0].extensions?.code, "NOT_FOUND");
  });

  it("reviews flashcards with SM-2 and lists the due ones", async () => {
    const student = await register(stack);
    const deck = (await student.client.op("CreateFlashcardDeck", { input: { title: "Maxims" } })).data.createFlashcardDeck;
    const cards = [];
    for (const front of ["One", "Two", "Three"])
      cards.push((await student.client.op("AddFlashcard", { deckId: deck.id, input: { front, back: "x" } })).data.addFlashcard);
    assert.equal((await student.client.op("DueFlashcards", { deckId: deck.id })).data.dueFlashcards.length, 3, "new cards are due");
    const reviewed = await student.client.op("ReviewFlashcard", { cardId: cards[0].id, grade: 5 });
    assert.deepEqual(
      { ...reviewed.data.reviewFlashcard, dueAt: undefined },
      { dueAt: undefined, intervalDays: 1, easiness: 2.6, repetitions: 1, card: { id: cards[0].id, front: "One" } },
    );
    assert.equal(new Date(reviewed.data.reviewFlashcard.dueAt).getTime(), clock.now().getTime() + 86_400_000);
    const due = await student.client.op("DueFlashcards", { deckId: deck.id });
    assert.deepEqual(due.data.dueFlashcards.map((d: any) => d.card.front).sort(), ["Three", "Two"]);
    clock.advance(86_400_000);
    assert.equal((await student.client.op("DueFlashcards", { deckId: deck.id })).data.dueFlashcards.length, 3);
    const badGrade = await student.client.op("ReviewFlashcard", { cardId: cards[1].id, grade: 6 });
    assert.equal(badGrade.errors?.[0].extensions?.code, "BAD_USER_INPUT");
    const stranger = await register(stack);
    assert.equal((await stranger.client.op("ReviewFlashcard", { cardId: cards[1].id, grade: 4 })).errors?.[0].extensions?.code, "NOT_FOUND");

    // Reached through assessments, a card is still content: an API key needs content:read too.
    const keyWith = async (scopes: string[]) =>
      stack.client({ apiKey: (await student.client.op("CreateApiKey", { input: { name: scopes.join(), scopes } })).data.createApiKey.secret });
    const assessmentsOnly = await keyWith(["assessments:read", "assessments:write"]);
    assert.equal((await assessmentsOnly.op("DueFlashcards", { deckId: deck.id })).errors?.[0].extensions?.code, "FORBIDDEN");
    const both = await keyWith(["assessments:read", "content:read"]);
    assert.equal((await both.op("DueFlashcards", { deckId: deck.id })).data.dueFlashcards.length, 3);
  });

  it("summarises study stats, with the streak in the account's time zone", async () => {
    const course = await publishedCourse(instructor.client, "Stats course");
    const student = await register(stack, { timezone: "Asia/Kolkata" });
    clock.set(new Date("2026-11-20T20:00:00Z")); // 21 Nov, 01:30 in Kolkata
    const s1 = (await student.client.op("StartStudySession", { input: { courseId: course.id } })).data.startStudySession.id;
    clock.advance(20 * MINUTE);
    await student.client.op("RecordStudyProgress", { sessionId: s1, input: { progressPercent: 10, addFocusSeconds: 600 } });
    clock.set(new Date("2026-11-22T05:00:00Z")); // 22 Nov, 10:30 in Kolkata
    await student.client.op("StartStudySession", { input: { courseId: course.id } });
    const test = await publishedTest(instructor.client, [{ correctOption: 0 }, { correctOption: 0 }]);
    await sit(student.client, test.id, test.questionIds, [0, null]);
    const stats = await student.client.op("StudyStats");
    assert.deepEqual(stats.data.me.studyStats, { totalFocusSeconds: 600, sessionsCount: 2, currentStreakDays: 2, attemptsCount: 1, averageScore: 50 });
  });
});

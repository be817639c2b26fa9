import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { EventBus } from "@solo/kit";
import { ManualClock, createEventBus, createLogger, subscriptionTopic } from "@solo/kit";
import type { Stack } from "../src/stack";
import { register, startStack } from "../src/stack";
import { publishedCourse, registerWithRole } from "../src/content-fixtures";
import { publishedTest, sit } from "../src/assessment-fixtures";

/**
 * The assessments subgraph announces changes on the event bus (keys only) under the topics the
 * gateway derives from subscription documents. Another bus connection stands in for a gateway.
 */
describe("assessments publishes live-update events", () => {
  let stack: Stack;
  let listener: EventBus;
  let instructor: Awaited<ReturnType<typeof registerWithRole>>;
  const clock = new ManualClock(new Date("2026-11-22T09:00:00Z"));

  before(async () => {
    stack = await startStack({ subgraphs: { assessments: { clock } } });
    listener = await createEventBus({ redisUrl: process.env.REDIS_URL, databaseUrl: stack.databaseUrl, logger: createLogger("test"), namespace: stack.eventNamespace });
    instructor = await registerWithRole(stack, "INSTRUCTOR");
  });
  after(async () => {
    await listener.close();
    await stack.close();
  });

  function collect(topic: string) {
    const events: Record<string, unknown>[] = [];
    const stop = listener.subscribe(topic, (payload) => events.push(payload));
    return {
      events,
      ready: stop,
      async waitFor(count: number, timeoutMs = 1_000) {
        const deadline = Date.now() + timeoutMs;
        while (events.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
        return events;
      },
    };
  }

  it("names topics by field and sorted, non-null arguments", () => {
    assert.equal(subscriptionTopic("leaderboardUpdated", { testId: "t" }), "leaderboardUpdated(testId=t)");
    assert.equal(subscriptionTopic("liveStudyStats", { courseId: null }), "liveStudyStats()");
    assert.equal(subscriptionTopic("x", { b: 2, a: 1 }), "x(a=1,b=2)");
  });

  it("announces session changes on the session's topic and the live counts, within a second", async () => {
    const course = await publishedCourse(instructor.client, "Live course");
    const student = await register(stack);
    const all = collect(subscriptionTopic("liveStudyStats", {}));
    const ofCourse = collect(subscriptionTopic("liveStudyStats", { courseId: course.id }));
    await Promise.all([all.ready, ofCourse.ready]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    const sessionId = (await student.client.op("StartStudySession", { input: { courseId: course.id } })).data.startStudySession.id;
    const own = collect(subscriptionTopic("studySessionUpdated", { sessionId }));
    await own.ready;
    assert.equal((await ofCourse.waitFor(1)).length, 1, "the course's live counts changed");
    assert.ok(Date.now() - started < 1_000);
    assert.equal((await all.waitFor(1)).length, 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await student.client.op("RecordStudyProgress", { sessionId, input: { progressPercent: 5, addFocusSeconds: 0 } });
    await student.client.op("EndStudySession", { sessionId });
    const events = await own.waitFor(2);
    assert.deepEqual(
      events.map((event) => event.sessionId),
      [sessionId, sessionId],
    );
    assert.deepEqual(Object.keys(events[0]).sort(), ["at", "sessionId"], "keys only: no data a listener might not be allowed to see");
  });

  it("announces a leaderboard change when an attempt is submitted, once", async () => {
    const test = await publishedTest(instructor.client, [{ correctOption: 0 }]);
    const board = collect(subscriptionTopic("leaderboardUpdated", { testId: test.id }));
    await board.ready;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const student = await register(stack);
    const attempt = await sit(student.client, test.id, test.questionIds, [0]);
    await student.client.op("SubmitAttempt", { attemptId: attempt.id });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(
      board.events.map((event) => event.testId),
      [test.id],
      "submitting again announces nothing",
    );
  });

  it("announces ranked attempts only: a practice attempt leaves the leaderboard as it was", async () => {
    const test = await publishedTest(instructor.client, [{ correctOption: 0 }], { durationMinutes: 10 });
    const board = collect(subscriptionTopic("leaderboardUpdated", { testId: test.id }));
    await board.ready;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const student = await register(stack);
    await sit(student.client, test.id, test.questionIds, [1]);
    assert.equal((await board.waitFor(1)).length, 1, "the first submitted attempt is ranked");
    await sit(student.client, test.id, test.questionIds, [0]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(board.events.length, 1, "a practice attempt announces nothing");

    // A first attempt left past its deadline becomes ranked when a new start closes it: announced.
    const other = await register(stack);
    await other.client.op("StartAttempt", { testId: test.id });
    clock.advance(11 * 60_000);
    await other.client.op("StartAttempt", { testId: test.id });
    assert.equal((await board.waitFor(2)).length, 2);
  });
});

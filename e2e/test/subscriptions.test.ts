import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import WebSocket from "ws";
import type { Stack } from "../src/stack";
import { register, startStack } from "../src/stack";
import { publishedCourse, registerWithRole } from "../src/content-fixtures";
import { publishedTest, sit } from "../src/assessment-fixtures";
import { connect, rawConnect, subscribe } from "../src/live";
import { contractOperation } from "../src/stack";

const settle = (ms = 150) => new Promise((resolve) => setTimeout(resolve, ms));

describe("subscriptions over graphql-ws at the gateway", () => {
  let stack: Stack;
  let instructor: Awaited<ReturnType<typeof registerWithRole>>;
  let course: { id: string; slug: string };
  let lessonId: string;

  before(async () => {
    stack = await startStack({ gateway: { liveReauthenticateMs: 300 } });
    instructor = await registerWithRole(stack, "INSTRUCTOR");
    course = await publishedCourse(instructor.client, "Live study");
    lessonId = (await stack.client().op("CourseBySlug", { slug: course.slug })).data.course.lessons[0].id;
  });
  after(() => stack.close());

  const metric = async (field: string) => {
    const text = await (await fetch(`${stack.origin}/metrics`)).text();
    return Number(new RegExp(`subscription_executions_total\\{[^}]*field="${field}"[^}]*\\} (\\d+)`).exec(text)?.[1] ?? 0);
  };

  it("delivers a session's updates to its owner within a second, with fields from other subgraphs", async () => {
    const student = await register(stack, { displayName: "Live Learner" });
    const session = (await student.client.op("StartStudySession", { input: { courseId: course.id, lessonId } })).data.startStudySession;
    const live = connect(stack.wsUrl, { authorization: `Bearer ${student.accessToken}` });
    const stream = subscribe(live, contractOperation("StudySessionUpdated"), { sessionId: session.id });
    await settle();
    const sent = Date.now();
    await student.client.op("RecordStudyProgress", { sessionId: session.id, input: { progressPercent: 30, addFocusSeconds: 0 } });
    const [first] = await stream.next(1, 1_000);
    assert.ok(Date.now() - sent < 1_000);
    assert.deepEqual(first.data.studySessionUpdated, {
      id: session.id,
      status: "ACTIVE",
      progressPercent: 30,
      focusSeconds: 0,
      user: { id: student.user.id, displayName: "Live Learner" },
      lesson: { id: lessonId, title: "Live study lesson 1" },
    });
    await student.client.op("EndStudySession", { sessionId: session.id });
    const results = await stream.next(2);
    assert.equal(results[1].data.studySessionUpdated.status, "ENDED");
    stream.stop();
    await live.client.dispose();
  });

  it("refuses a subscription to someone else's session, and sends it nothing", async () => {
    const owner = await register(stack);
    const other = await register(stack);
    const session = (await owner.client.op("StartStudySession", { input: { courseId: course.id } })).data.startStudySession;
    const live = connect(stack.wsUrl, { authorization: `Bearer ${other.accessToken}` });
    const stream = subscribe(live, contractOperation("StudySessionUpdated"), { sessionId: session.id });
    await stream.ended;
    assert.equal(stream.results.length, 1);
    assert.equal(stream.results[0].errors?.[0].extensions?.code, "FORBIDDEN", JSON.stringify(stream.results));
    await owner.client.op("RecordStudyProgress", { sessionId: session.id, input: { progressPercent: 5, addFocusSeconds: 0 } });
    await settle(300);
    assert.equal(stream.results.length, 1);
    await live.client.dispose();
  });

  it("closes with 4401 when connection_init carries a bad token", async () => {
    const live = connect(stack.wsUrl, { authorization: "Bearer not-a-token" });
    assert.equal((await live.closed).code, 4401);
    await live.client.dispose();
  });

  it("closes with 4403 for an API key that can read nothing", async () => {
    const owner = await register(stack);
    const secret = (await owner.client.op("CreateApiKey", { input: { name: "writer", scopes: ["content:write"] } })).data.createApiKey.secret;
    const live = connect(stack.wsUrl, { apiKey: secret });
    assert.equal((await live.closed).code, 4403);
    await live.client.dispose();
    const reader = (await owner.client.op("CreateApiKey", { input: { name: "reader", scopes: ["assessments:read"] } })).data.createApiKey.secret;
    const ok = connect(stack.wsUrl, { apiKey: reader });
    const stream = subscribe(ok, contractOperation("LiveStudyStats"), {});
    await settle();
    await (await register(stack)).client.op("StartStudySession", { input: { courseId: course.id } });
    assert.ok((await stream.next(1, 2_000))[0].data.liveStudyStats);
    stream.stop();
    await ok.client.dispose();
  });

  it("closes a live connection with 4401 once its login ends", async () => {
    const student = await register(stack);
    const live = connect(stack.wsUrl, { authorization: `Bearer ${student.accessToken}` });
    const stream = subscribe(live, contractOperation("LiveStudyStats"), {});
    await settle(400);
    assert.equal(stream.results.length, 0);
    await student.client.op("Logout");
    const closed = await Promise.race([live.closed, settle(3_000).then(() => ({ code: 0, reason: "still open" }))]);
    assert.equal(closed.code, 4401);
    await live.client.dispose();
  });

  it("does not let an API key without the field's scope into a stream that users share", async () => {
    const user = await register(stack);
    const shared = connect(stack.wsUrl, { authorization: `Bearer ${user.accessToken}` });
    const userStream = subscribe(shared, contractOperation("LiveStudyStats"), {});
    await settle();
    const secret = (await user.client.op("CreateApiKey", { input: { name: "content reader", scopes: ["content:read"] } })).data.createApiKey.secret;
    const keyed = connect(stack.wsUrl, { apiKey: secret });
    const keyStream = subscribe(keyed, contractOperation("LiveStudyStats"), {});
    await keyStream.ended;
    assert.equal(keyStream.results[0].errors?.[0].extensions?.code, "FORBIDDEN");
    await (await register(stack)).client.op("StartStudySession", { input: { courseId: course.id } });
    assert.ok((await userStream.next(1, 2_000))[0].data.liveStudyStats, "the users' stream is unaffected");
    userStream.stop();
    await shared.client.dispose();
    await keyed.client.dispose();
  });

  it("closes with 4429 on a second connection_init, and refuses anonymous subscribers to signed-in streams", async () => {
    const socket = new WebSocket(stack.wsUrl, "graphql-transport-ws");
    const code = await new Promise<number>((resolve) => {
      socket.on("open", () => {
        socket.send(JSON.stringify({ type: "connection_init" }));
        socket.send(JSON.stringify({ type: "connection_init" }));
      });
      socket.on("close", (closeCode) => resolve(closeCode));
    });
    assert.equal(code, 4429);
    const anonymous = connect(stack.wsUrl);
    const stream = subscribe(anonymous, contractOperation("LiveStudyStats"), {});
    await stream.ended;
    assert.equal(stream.results[0].errors?.[0].extensions?.code, "UNAUTHENTICATED");
    await anonymous.client.dispose();
  });

  it("shares one execution per event among 200 subscribers of live counts", async () => {
    const people = await Promise.all(Array.from({ length: 10 }, () => register(stack)));
    const clients = people.map((person) => connect(stack.wsUrl, { authorization: `Bearer ${person.accessToken}` }));
    const streams = Array.from({ length: 200 }, (_, i) => subscribe(clients[i % 10], contractOperation("LiveStudyStats"), { courseId: course.id }));
    await settle(800);
    const before = await metric("liveStudyStats");
    const learner = await register(stack);
    await learner.client.op("StartStudySession", { input: { courseId: course.id } });
    await Promise.all(streams.map((stream) => stream.next(1, 3_000)));
    const executions = (await metric("liveStudyStats")) - before;
    assert.equal(executions, 1, "one execution served all 200");
    assert.ok(streams.every((stream) => stream.results[0].data.liveStudyStats.activeSessions >= 1));
    for (const stream of streams) stream.stop();
    for (const live of clients) await live.client.dispose();
  });

  it("pushes the leaderboard when someone submits", async () => {
    const test = await publishedTest(instructor.client, [{ correctOption: 0 }]);
    const watcher = await register(stack);
    const live = connect(stack.wsUrl, { authorization: `Bearer ${watcher.accessToken}` });
    const stream = subscribe(live, contractOperation("LeaderboardUpdated"), { testId: test.id });
    await settle();
    const taker = await register(stack, { displayName: "Top Scorer" });
    await sit(taker.client, test.id, test.questionIds, [0]);
    const [board] = await stream.next(1, 1_000);
    assert.deepEqual(board.data.leaderboardUpdated, [{ rank: 1, score: 1, user: { displayName: "Top Scorer" } }]);
    stream.stop();
    await live.client.dispose();
  });

  const UNPUBLISH = "mutation ($id: ID!) { unpublishMockTest(id: $id) { id status } }";

  it("ends a student's leaderboard stream with a coded error when its test goes back to draft, while the author's goes on", async () => {
    const test = await publishedTest(instructor.client, [{ correctOption: 0 }]);
    const student = await register(stack);
    const watching = await rawConnect(stack.wsUrl, { authorization: `Bearer ${student.accessToken}` });
    watching.subscribe("board", contractOperation("LeaderboardUpdated"), { testId: test.id });
    const author = connect(stack.wsUrl, { authorization: `Bearer ${instructor.accessToken}` });
    const authorStream = subscribe(author, contractOperation("LeaderboardUpdated"), { testId: test.id });
    await settle(300);
    assert.deepEqual(watching.about("board"), [], "allowed, and nothing sent until an event");

    const unpublished = await instructor.client.request(UNPUBLISH, { id: test.id });
    assert.deepEqual(unpublished.data?.unpublishMockTest, { id: test.id, status: "DRAFT" }, JSON.stringify(unpublished.errors));
    await watching.waitFor((message) => message.id === "board" && message.type === "complete");
    const [last, end] = watching.about("board");
    assert.equal(last.type, "next");
    assert.equal(last.payload.errors[0].extensions.code, "NOT_FOUND", JSON.stringify(last));
    assert.equal(end.type, "complete");
    // The author may still read the draft's board: the same event reached them, and they stay on.
    const [board] = await authorStream.next(1, 2_000);
    assert.deepEqual(board.data.leaderboardUpdated, []);
    await settle(200);
    assert.equal(authorStream.results.length, 1);
    assert.equal(watching.socket.readyState, 1, "the student's socket stays open");

    // Published again, the test's events reach the author's stream, and no longer the student's.
    await instructor.client.op("PublishMockTest", { id: test.id });
    const taker = await register(stack, { displayName: "After Draft" });
    await sit(taker.client, test.id, test.questionIds, [0]);
    const [, again] = await authorStream.next(2, 2_000);
    assert.deepEqual(again.data.leaderboardUpdated, [{ rank: 1, score: 1, user: { displayName: "After Draft" } }]);
    assert.equal(watching.about("board").length, 2);
    authorStream.stop();
    await author.client.dispose();
    watching.socket.close();
  });

  it("lets only the author or an admin unpublish a test, not after an attempt, and audits it", async () => {
    const test = await publishedTest(instructor.client, [{ correctOption: 0 }]);
    const otherInstructor = await registerWithRole(stack, "INSTRUCTOR");
    const student = await register(stack);
    for (const caller of [otherInstructor, student]) {
      const refused = await caller.client.request(UNPUBLISH, { id: test.id });
      assert.equal(refused.errors?.[0].extensions?.code, "FORBIDDEN");
    }
    assert.equal((await stack.db.query("select status from assessments.mock_tests where id = $1", [test.id])).rows[0].status, "PUBLISHED");

    const audited = async () =>
      (await stack.db.query("select action, actor_id from assessments.audit_outbox where resource_id = $1 and action = 'mock_test.unpublished'", [test.id])).rows;
    const done = await instructor.client.request(UNPUBLISH, { id: test.id });
    assert.equal(done.data?.unpublishMockTest.status, "DRAFT");
    assert.deepEqual(await audited(), [{ action: "mock_test.unpublished", actor_id: instructor.user.id }]);

    await instructor.client.op("PublishMockTest", { id: test.id });
    await sit(student.client, test.id, test.questionIds, [0]);
    const attempted = await instructor.client.request(UNPUBLISH, { id: test.id });
    assert.equal(attempted.errors?.[0].extensions?.code, "BAD_USER_INPUT");
    assert.equal((await stack.db.query("select status from assessments.mock_tests where id = $1", [test.id])).rows[0].status, "PUBLISHED");
    assert.equal((await audited()).length, 1);
  });

  it("checks nothing again for sockets that closed while their sign-in was being checked", async () => {
    const student = await register(stack);
    // Session checks the users subgraph answered 404 (a login that has ended).
    const endedSessionChecks = async () => {
      const text = await (await fetch(`${new URL(stack.subgraphUrls.users).origin}/metrics`)).text();
      const line = text
        .split("\n")
        .find((row) => row.startsWith("http_request_duration_seconds_count{") && row.includes('route="/internal/sessions/verify"') && row.includes('status="404"'));
      return Number(line?.split(" ").at(-1) ?? 0);
    };
    // connection_init and a close sent together: the socket is gone before users has answered.
    const initThenClose = () =>
      new Promise<void>((resolve) => {
        const socket = new WebSocket(stack.wsUrl, "graphql-transport-ws");
        socket.on("open", () => {
          socket.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${student.accessToken}` } }));
          socket.close(1000);
        });
        socket.on("close", () => resolve());
      });
    // In tens: sockets not yet signed in are capped per IP.
    for (let round = 0; round < 4; round++) await Promise.all(Array.from({ length: 10 }, initThenClose));
    await settle(1_000); // the sign-ins still being checked are answered
    // From now on every check of this login is a 404: a socket still being checked would show.
    await student.client.op("Logout");
    const before = await endedSessionChecks();
    await settle(2_000); // over six recheck intervals of this stack
    assert.equal(await endedSessionChecks(), before, "closed sockets' credentials are still being checked");
  });

  it("ends a subscription with an error when its token expires", async () => {
    process.env.ACCESS_TOKEN_TTL_SECONDS = "2";
    const student = await register(stack).finally(() => delete process.env.ACCESS_TOKEN_TTL_SECONDS);
    const live = connect(stack.wsUrl, { authorization: `Bearer ${student.accessToken}` });
    const stream = subscribe(live, contractOperation("LiveStudyStats"), {});
    await stream.ended;
    assert.equal(stream.results.at(-1)?.errors?.[0].extensions?.code, "UNAUTHENTICATED");
    await live.client.dispose();
  });
});

import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import WebSocket from "ws";
import { publishedTest, sit } from "../src/assessment-fixtures";
import { publishedCourse, registerWithRole } from "../src/content-fixtures";
import type { RawSocket } from "../src/live";
import { rawConnect, rawSocket } from "../src/live";
import type { Stack } from "../src/stack";
import { contractOperation, register, startStack } from "../src/stack";

const settle = (ms = 300) => new Promise((resolve) => setTimeout(resolve, ms));
const USER_REQUESTS_PER_WINDOW = 40;
const SUBSCRIPTIONS_PER_CONNECTION = 3;

/**
 * One bad subscribe harms only itself: each is answered with an `error` message for its id, with
 * the code HTTP would give, while the socket and its other subscriptions stay live. Raw
 * graphql-transport-ws, so the exact messages and close codes are seen.
 */
describe("subscribe errors over graphql-ws", () => {
  let stack: Stack;
  let instructor: Awaited<ReturnType<typeof registerWithRole>>;
  let course: { id: string };

  before(async () => {
    stack = await startStack({
      gateway: { maxSubscriptionsPerConnection: SUBSCRIPTIONS_PER_CONNECTION, rateLimit: { user: USER_REQUESTS_PER_WINDOW } },
    });
    instructor = await registerWithRole(stack, "INSTRUCTOR");
    course = await publishedCourse(instructor.client, "Errors course");
  });
  after(() => stack.close());

  const bearer = (person: { accessToken: string }) => ({ authorization: `Bearer ${person.accessToken}` });

  /** Subscribes and returns the one answer: an `error` message for that id. */
  async function refusal(raw: RawSocket, id: string, query: string, variables: Record<string, unknown> = {}) {
    raw.subscribe(id, query, variables);
    const answer = await raw.waitFor((message) => message.id === id);
    assert.equal(answer.type, "error", `${id}: ${JSON.stringify(answer)}`);
    return answer.payload as { message: string; extensions: Record<string, any> }[];
  }

  it("answers each bad subscribe with a coded error for its id, while the socket and its live subscription go on", { timeout: 60_000 }, async () => {
    const test = await publishedTest(instructor.client, [{ correctOption: 0 }]);
    const owner = await register(stack);
    const session = (await owner.client.op("StartStudySession", { input: { courseId: course.id } })).data.startStudySession;
    const watcher = await register(stack);
    const raw = await rawConnect(stack.wsUrl, bearer(watcher));
    raw.subscribe("good", contractOperation("LeaderboardUpdated"), { testId: test.id });
    await settle();

    const t = { t: test.id };
    const cases: [id: string, query: string, variables: Record<string, unknown>, code: string, message?: RegExp][] = [
      ["parse", "subscription {", {}, "GRAPHQL_PARSE_FAILED", /Syntax Error/],
      ["unknown-field", "subscription { noSuchField }", {}, "GRAPHQL_VALIDATION_FAILED", /noSuchField/],
      [
        "depth",
        "subscription ($t: ID!) { leaderboardUpdated(testId: $t) { user { attempts { edges { node { test { author { attempts { edges { node { test { author { id } } } } } } } } } } } } }",
        t,
        "GRAPHQL_VALIDATION_FAILED",
        /depth limit of 10 exceeded/,
      ],
      [
        "aliases",
        `subscription ($t: ID!) { leaderboardUpdated(testId: $t) { ${Array.from({ length: 16 }, (_, i) => `a${i}: rank`).join(" ")} } }`,
        t,
        "GRAPHQL_VALIDATION_FAILED",
        /Aliases limit of 15 exceeded/,
      ],
      [
        "cost",
        "subscription ($t: ID!) { leaderboardUpdated(testId: $t) { user { attempts(first: 100) { edges { node { test { questions { prompt options topic } } } } } } } }",
        t,
        "GRAPHQL_VALIDATION_FAILED",
        /Cost limit of 5000 exceeded/,
      ],
      ["tokens", `subscription { ${"__typename ".repeat(2001)}}`, {}, "BAD_REQUEST", /more than 2000 tokens/],
      ["query", "query { me { id } }", {}, "BAD_REQUEST", /over HTTP/],
      ["mutation", "mutation { logout }", {}, "BAD_REQUEST", /over HTTP/],
      ["bad-variable", contractOperation("LeaderboardUpdated"), { testId: { not: "an id" } }, "BAD_USER_INPUT", /\$testId/],
      ["missing-variable", contractOperation("LeaderboardUpdated"), {}, "BAD_USER_INPUT", /\$testId/],
      ["someone-else", contractOperation("StudySessionUpdated"), { sessionId: session.id }, "FORBIDDEN"],
      ["unknown-test", contractOperation("LeaderboardUpdated"), { testId: randomUUID() }, "NOT_FOUND"],
    ];
    // One at a time: each answer arrives before the next subscribe, so none meets the per-socket cap.
    for (const [id, query, variables, code, message] of cases) {
      const [error] = await refusal(raw, id, query, variables);
      assert.equal(error.extensions.code, code, `${id}: ${JSON.stringify(error)}`);
      if (message) assert.match(error.message, message, id);
      assert.equal(error.extensions.http, undefined, "no HTTP internals on a socket");
    }
    const [tooLarge] = raw.about("tokens")[0].payload;
    assert.equal(tooLarge.extensions.limit, "MAX_TOKENS");

    // The good subscription was untouched by all of that.
    const taker = await register(stack, { displayName: "Still Streaming" });
    await sit(taker.client, test.id, test.questionIds, [0]);
    const update = await raw.waitFor((message) => message.id === "good" && message.type === "next");
    assert.deepEqual(update.payload.data.leaderboardUpdated, [{ rank: 1, score: 1, user: { displayName: "Still Streaming" } }]);
    assert.equal(raw.socket.readyState, WebSocket.OPEN);
    for (const [id] of cases)
      assert.deepEqual(
        raw.about(id).map((message) => message.type),
        ["error"],
        id,
      );
    // The mutation sent over the socket never ran: the watcher is still signed in.
    assert.equal((await watcher.client.request("{ me { id } }")).data?.me.id, watcher.user.id);
    raw.socket.close();
  });

  it("caps the subscriptions one socket holds, and a completed one frees its place", async () => {
    const user = await register(stack);
    const raw = await rawConnect(stack.wsUrl, bearer(user));
    const live = (id: string) => raw.subscribe(id, contractOperation("LiveStudyStats"), { courseId: course.id });
    for (let i = 1; i <= SUBSCRIPTIONS_PER_CONNECTION; i++) live(`s${i}`);
    const [capped] = await refusal(raw, "over", contractOperation("LiveStudyStats"), { courseId: course.id });
    assert.equal(capped.extensions.code, "BAD_REQUEST");
    assert.equal(capped.extensions.limit, "MAX_SUBSCRIPTIONS_PER_CONNECTION");

    raw.send({ type: "complete", id: "s1" });
    live("again");
    await settle();
    await (await register(stack)).client.op("StartStudySession", { input: { courseId: course.id } });
    for (const id of ["s2", "s3", "again"]) {
      const update = await raw.waitFor((message) => message.id === id && message.type === "next");
      assert.ok(update.payload.data.liveStudyStats.activeSessions >= 1, id);
    }
    assert.deepEqual(raw.about("s1"), [], "s1 was completed by the client before any event");
    assert.equal(raw.socket.readyState, WebSocket.OPEN);
    raw.socket.close();
  });

  it("draws every subscribe from the caller's HTTP bucket: RATE_LIMITED for that id, then HTTP is refused too", async () => {
    const user = await register(stack); // registering counts against the IP, not the account
    const raw = await rawConnect(stack.wsUrl, bearer(user));
    raw.subscribe("live", contractOperation("LiveStudyStats"), { courseId: course.id });
    await settle();
    for (let i = 0; i < USER_REQUESTS_PER_WINDOW - 6; i++) {
      assert.equal((await user.client.request("{ me { id } }")).status, 200);
    }
    // Refused subscribes count too: the bucket is spent before the document is even parsed.
    for (let i = 0; i < 5; i++) {
      const [error] = await refusal(raw, `bad${i}`, "subscription { noSuchField }");
      assert.equal(error.extensions.code, "GRAPHQL_VALIDATION_FAILED");
    }
    const [limited] = await refusal(raw, "over", contractOperation("LiveStudyStats"), {});
    assert.equal(limited.extensions.code, "RATE_LIMITED");
    assert.ok(limited.extensions.retryAfterSeconds >= 1);
    const http = await user.client.request("{ me { id } }");
    assert.equal(http.status, 429);
    assert.equal(http.errors?.[0].extensions?.code, "RATE_LIMITED");

    await (await register(stack)).client.op("StartStudySession", { input: { courseId: course.id } });
    await raw.waitFor((message) => message.id === "live" && message.type === "next");
    assert.equal(raw.socket.readyState, WebSocket.OPEN);
    raw.socket.close();
  });

  it("closes with 4400, never 4500, for messages only a server may send", async () => {
    const user = await register(stack);
    for (const message of [{ type: "next", id: "x", payload: { data: {} } }, { type: "error", id: "x", payload: [{ message: "no" }] }, { type: "connection_ack" }]) {
      const raw = await rawConnect(stack.wsUrl, bearer(user));
      raw.send(message);
      assert.equal((await raw.closed).code, 4400, message.type);
    }
    const garbled = rawSocket(stack.wsUrl);
    garbled.socket.once("open", () => garbled.socket.send("{ not json"));
    assert.equal((await garbled.closed).code, 4400);
  });
});

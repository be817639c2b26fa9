import assert from "node:assert/strict";
import fs from "node:fs";
import { after, before, describe, it } from "node:test";
import { subgraphUrlVariable } from "@solo/kit";
import WebSocket from "ws";
import { publishedTest } from "../src/assessment-fixtures";
import { publishedCourse, registerWithRole } from "../src/content-fixtures";
import { rawConnect } from "../src/live";
import type { Service } from "../src/processes";
import { freePort, startService, stopService } from "../src/processes";
import type { Stack } from "../src/stack";
import { GraphQLClient, contractOperation, register, startStack } from "../src/stack";

const settle = (ms = 300) => new Promise((resolve) => setTimeout(resolve, ms));
const MiB = 1024 * 1024;

/** The gateway's resident memory, from the kernel: its process alone. */
function rss(pid: number): number {
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))![1]) * 1024;
}

/** What the server answers an upgrade: 101 when it opens, else the refusal's status and Retry-After. */
function upgrade(url: string, headers: Record<string, string>): Promise<{ status: number; retryAfter?: string; socket?: WebSocket }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, "graphql-transport-ws", { headers });
    socket.once("open", () => resolve({ status: 101, socket }));
    socket.once("unexpected-response", (_request, response) => {
      resolve({ status: response.statusCode ?? 0, retryAfter: response.headers["retry-after"] });
      response.resume();
      socket.terminate();
    });
    socket.once("error", reject);
  });
}

/**
 * A gateway of its own, as a process (so its RSS is its own), in front of an in-process stack's
 * subgraphs: WebSocket messages are bounded, and sockets and subscribes are counted as HTTP is.
 */
describe("live limits at a gateway process", () => {
  let stack: Stack;
  let gateway: Service;
  let wsUrl: string;
  let course: { id: string };
  let testId: string;

  before(async () => {
    stack = await startStack();
    const port = await freePort();
    gateway = await startService("gateway", "gateway/dist/src/index.js", port, {
      DATABASE_URL: stack.databaseUrl,
      REDIS_URL: process.env.REDIS_URL ?? "",
      EVENT_BUS_NAMESPACE: stack.eventNamespace,
      ...Object.fromEntries(Object.entries(stack.subgraphUrls).map(([name, url]) => [subgraphUrlVariable(name), url])),
      RATE_LIMIT_KEY_PREFIX: `test:${Math.random().toString(36).slice(2)}`,
      RATE_LIMIT_ANONYMOUS: "5",
      RATE_LIMIT_USER: "100000",
      MAX_UNAUTHENTICATED_SOCKETS_PER_IP: "3",
      NODE_ENV: "development",
    });
    wsUrl = gateway.url.replace(/^http/, "ws");
    const instructor = await registerWithRole(stack, "INSTRUCTOR");
    course = await publishedCourse(instructor.client, "Bounded");
    testId = (await publishedTest(instructor.client, [{ correctOption: 0 }])).id;
  });
  after(async () => {
    if (gateway) await stopService(gateway, "SIGKILL");
    await stack?.close();
  });

  it("closes a socket sending a 10 MB message with 1009 at once, unread, while other clients carry on", { timeout: 60_000 }, async () => {
    const watcher = await register(stack);
    const live = await rawConnect(wsUrl, { authorization: `Bearer ${watcher.accessToken}` });
    live.subscribe("stats", contractOperation("LiveStudyStats"), { courseId: course.id });
    const querier = new GraphQLClient(gateway.url, { token: (await register(stack)).accessToken });
    const query = "{ me { id displayName } mockTests(first: 5) { edges { node { id title } } } }";
    for (let i = 0; i < 20; i++) assert.equal((await querier.request(query)).status, 200); // warm: plans cached, pools open

    const big = await rawConnect(wsUrl);
    const pid = gateway.child.pid!;
    const before = rss(pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rss(pid))), 20);
    let querying = true;
    const waits: number[] = [];
    const queries = (async () => {
      while (querying) {
        const started = performance.now();
        const response = await querier.request(query);
        waits.push(performance.now() - started);
        assert.equal(response.status, 200, JSON.stringify(response.errors));
      }
    })();
    let closed: { code: number; reason: string };
    let closedAfterMs: number;
    try {
      // The shape of the incident: one subscribe message whose document alone is 10 MB.
      const message = JSON.stringify({ type: "subscribe", id: "big", payload: { query: `subscription { ${"__typename ".repeat(MiB)}}` } });
      await settle(300);
      const sent = performance.now();
      big.socket.send(message);
      closed = await Promise.race([big.closed, settle(5_000).then(() => ({ code: 0, reason: "still open after 5 s" }))]);
      closedAfterMs = performance.now() - sent;
      await settle(700);
    } finally {
      querying = false;
      await queries;
      clearInterval(sampler);
    }
    peak = Math.max(peak, rss(pid));

    const slowest = Math.max(...waits);
    console.log(
      `10 MB frame: closed ${closed.code} after ${closedAfterMs.toFixed(0)} ms; ${waits.length} queries meanwhile, slowest ${slowest.toFixed(0)} ms; ` +
        `gateway RSS ${(before / MiB).toFixed(1)} MiB before, peak +${((peak - before) / MiB).toFixed(1)} MiB`,
    );
    assert.equal(closed.code, 1009);
    assert.ok(closedAfterMs < 1_000, `closed after ${closedAfterMs.toFixed(0)} ms`);
    assert.deepEqual(big.about("big"), [], "nothing of it was read as a subscribe");
    assert.ok(waits.length >= 5, `${waits.length} queries ran`);
    assert.ok(slowest < 1_000, `slowest query took ${slowest.toFixed(0)} ms`);
    assert.ok(peak - before < 50 * MiB, `RSS grew by ${((peak - before) / MiB).toFixed(1)} MiB`);

    // The subscriber's socket is still open and still served, within a second.
    assert.equal(live.socket.readyState, WebSocket.OPEN);
    const learner = await register(stack);
    const started = performance.now();
    await learner.client.op("StartStudySession", { input: { courseId: course.id } });
    await live.waitFor((message) => message.id === "stats" && message.type === "next", 1_000);
    assert.ok(performance.now() - started < 1_000);
    live.socket.close();
  });

  it("refuses an upgrade with 429 and Retry-After past the IP's cap of sockets not signed in, counted per client address", async () => {
    const from = (ip: string) => ({ "x-forwarded-for": ip }); // TRUST_PROXY's default trusts loopback, as req.ip does
    const crowd = await Promise.all([1, 2, 3].map(() => rawConnect(wsUrl, {}, from("198.51.100.7")))); // signed in as nobody
    const refused = await upgrade(wsUrl, from("198.51.100.7"));
    assert.equal(refused.status, 429);
    assert.equal(refused.retryAfter, "5");
    const elsewhere = await upgrade(wsUrl, from("198.51.100.8"));
    assert.equal(elsewhere.status, 101, "another address has its own count");
    elsewhere.socket!.close();

    // A closed socket frees its place; a socket signed in as a user does not hold one.
    crowd[0].socket.close();
    await crowd[0].closed;
    const person = await register(stack);
    const signedIn = await rawConnect(wsUrl, { authorization: `Bearer ${person.accessToken}` }, from("198.51.100.7"));
    const another = await rawConnect(wsUrl, {}, from("198.51.100.7"));
    assert.equal((await upgrade(wsUrl, from("198.51.100.7"))).status, 429);
    for (const raw of [signedIn, another, ...crowd.slice(1)]) assert.equal(raw.socket.readyState, WebSocket.OPEN);
    for (const raw of [signedIn, another, ...crowd]) raw.socket.close();
  });

  it("draws anonymous subscribes from the IP's HTTP bucket", async () => {
    const from = { "x-forwarded-for": "198.51.100.9" };
    const anonymous = new GraphQLClient(gateway.url, { headers: from });
    for (let i = 0; i < 3; i++) assert.equal((await anonymous.request("{ mockTests(first: 1) { edges { node { id } } } }")).status, 200);
    const raw = await rawConnect(wsUrl, {}, from);
    raw.subscribe("one", contractOperation("LeaderboardUpdated"), { testId });
    raw.subscribe("two", contractOperation("LeaderboardUpdated"), { testId });
    raw.subscribe("over", contractOperation("LeaderboardUpdated"), { testId });
    const limited = await raw.waitFor((message) => message.id === "over");
    assert.equal(limited.type, "error");
    assert.equal(limited.payload[0].extensions.code, "RATE_LIMITED");
    await settle();
    assert.deepEqual([...raw.about("one"), ...raw.about("two")], [], "the first two were allowed");
    assert.equal((await anonymous.request("{ mockTests(first: 1) { edges { node { id } } } }")).status, 429);
    assert.equal(raw.socket.readyState, WebSocket.OPEN);
    raw.socket.close();
  });
});

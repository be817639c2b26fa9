import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { metricSum, until, whileLocked } from "../src/held-requests";
import type { Stack } from "../src/stack";
import { startStack } from "../src/stack";

const MATERIALS = "{ readingMaterials(first: 1) { totalCount } }";
const WAIT_MS = 400;

/**
 * A gateway replica that serves one request at once and lets one wait. A request is held in flight
 * for real: the content subgraph's query waits on a table another connection has locked.
 */
describe("overload: the gateway refuses what it cannot serve soon", () => {
  let stack: Stack;
  let replica: Awaited<ReturnType<Stack["startGatewayReplica"]>>;
  before(async () => {
    stack = await startStack();
    replica = await stack.startGatewayReplica({ admission: { maxInFlight: 1, maxQueued: 1, maxWaitMs: WAIT_MS, maxEventLoopUtilization: 1 } });
  });
  after(() => stack?.close());

  /** Runs `work` while reading materials is locked: content's statements on it wait. */
  const whileMaterialsLocked = <T>(work: () => Promise<T>) => whileLocked(stack.db, "content.reading_materials", work);

  const inFlight = () => metricSum(replica.origin, "gateway_requests_in_flight");
  const queued = () => metricSum(replica.origin, "gateway_requests_queued");

  it("serves one, queues one, refuses the next at once with 503 and Retry-After, and refuses the queued one when it has waited its longest", async () => {
    const client = replica.client();
    const shedBefore = {
      full: await metricSum(replica.origin, "gateway_requests_shed_total", 'reason="queue_full"'),
      waited: await metricSum(replica.origin, "gateway_requests_shed_total", 'reason="waited_too_long"'),
    };
    let heldAnswered = false;
    const held = whileMaterialsLocked(async () => {
      const answer = client.request(MATERIALS).finally(() => (heldAnswered = true));
      await until(async () => (await inFlight()) === 1, "in flight", 5_000);
      const queuedAt = Date.now();
      const waiting = client.request(MATERIALS);
      await until(async () => (await queued()) === 1, "queued", 5_000);

      const refused = await client.request(MATERIALS);
      assert.equal(refused.status, 503);
      assert.equal(refused.headers.get("retry-after"), "1");
      assert.deepEqual(refused.errors?.[0]?.extensions, { code: "SERVICE_UNAVAILABLE", reason: "OVERLOADED", retryAfterSeconds: 1 });
      assert.equal(heldAnswered, false, "the refusal came while the request in flight was still held");

      const waited = await waiting;
      assert.equal(waited.status, 503);
      assert.equal(waited.errors?.[0]?.extensions?.reason, "OVERLOADED");
      assert.ok(Date.now() - queuedAt >= WAIT_MS - 20, `the queued request was refused after ${Date.now() - queuedAt} ms, before its ${WAIT_MS} ms`);
      assert.equal(heldAnswered, false, "the queued request was refused while the one in flight was still held");
      return { answer };
    });
    const served = await (await held).answer;
    assert.equal(served.status, 200);
    assert.equal(typeof served.data.readingMaterials.totalCount, "number");
    assert.equal((await client.request(MATERIALS)).status, 200, "the place was given back");
    assert.equal(await inFlight(), 0);
    assert.equal(await queued(), 0);
    assert.equal((await metricSum(replica.origin, "gateway_requests_shed_total", 'reason="queue_full"')) - shedBefore.full, 1);
    assert.equal((await metricSum(replica.origin, "gateway_requests_shed_total", 'reason="waited_too_long"')) - shedBefore.waited, 1);
  });

  it("lets a waiting request be served when a place frees in time, and gives a leaving client's place in the queue to the next", async () => {
    const client = replica.client();
    const [held, next] = await whileMaterialsLocked(async () => {
      const answer = client.request(MATERIALS);
      await until(async () => (await inFlight()) === 1, "in flight", 5_000);
      const leaving = new AbortController();
      const left = fetch(replica.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: MATERIALS }),
        signal: leaving.signal,
      }).catch((error: unknown) => error);
      await until(async () => (await queued()) === 1, "queued", 5_000);
      leaving.abort();
      assert.equal(((await left) as Error).name, "AbortError");
      await until(async () => (await queued()) === 0, "out of the queue once its client left", 5_000);
      const waiting = client.request(MATERIALS);
      await until(async () => (await queued()) === 1, "queued in the place given up", 5_000);
      return [answer, waiting];
    });
    for (const answer of [await held, await next]) {
      assert.equal(answer.status, 200, JSON.stringify(answer.errors));
      assert.equal(typeof answer.data.readingMaterials.totalCount, "number");
    }
  });

  it("lets CORS preflights, health and metrics through while it is full", async () => {
    const client = replica.client();
    const held = await whileMaterialsLocked(async () => {
      const answer = client.request(MATERIALS);
      await until(async () => (await inFlight()) === 1, "in flight", 5_000);
      const preflight = await fetch(replica.url, {
        method: "OPTIONS",
        headers: { origin: "http://localhost:5173", "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
      });
      assert.ok(preflight.status < 300, `preflight answered ${preflight.status}`);
      assert.equal((await fetch(`${replica.origin}/health`)).status, 200);
      return { answer };
    });
    assert.equal((await held.answer).status, 200);
  });
});

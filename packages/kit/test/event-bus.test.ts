import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Client } from "pg";
import type { EventBus } from "../src/event-bus";
import { createEventBus } from "../src/event-bus";
import { createTestDatabase } from "../src/testing";

function nextEvent(bus: EventBus, topic: string, timeoutMs = 2_000): Promise<{ payload: Record<string, unknown>; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no event on ${topic} within ${timeoutMs} ms`)), timeoutMs);
    void bus.subscribe(topic, (payload) => {
      clearTimeout(timer);
      resolve({ payload, ms: Date.now() - started });
    });
  });
}

for (const backend of ["postgres", "redis"] as const) {
  describe(`event bus over ${backend}`, { skip: backend === "redis" && !process.env.REDIS_URL && "REDIS_URL is not set" }, () => {
    let database: Awaited<ReturnType<typeof createTestDatabase>>;
    let a: EventBus;
    let b: EventBus;
    const topic = (name: string) => `${name}:${process.pid}:${Math.random().toString(36).slice(2)}`;

    before(async () => {
      database = await createTestDatabase("bus");
      const options = { databaseUrl: database.url, redisUrl: backend === "redis" ? process.env.REDIS_URL : undefined };
      // Two buses stand for two processes (a subgraph replica and a gateway replica).
      a = await createEventBus(options);
      b = await createEventBus(options);
      assert.equal(a.backend, backend);
    });
    after(async () => {
      await a.close();
      await b.close();
      await database.drop();
    });

    it("delivers a published event to subscribers in other connections, within a second", async () => {
      const t = topic("session");
      const onA = nextEvent(a, t);
      const onB = nextEvent(b, t);
      await new Promise((resolve) => setTimeout(resolve, 50)); // let SUBSCRIBE reach Redis
      await b.publish(t, { sessionId: "s1" });
      const [fromA, fromB] = await Promise.all([onA, onB]);
      assert.deepEqual(fromA.payload, { sessionId: "s1" });
      assert.deepEqual(fromB.payload, { sessionId: "s1" });
      assert.ok(fromA.ms < 1000, `${fromA.ms} ms`);
    });

    it("keeps topics apart and stops after unsubscribing", async () => {
      const [t1, t2] = [topic("one"), topic("two")];
      const seen: string[] = [];
      const stop = await a.subscribe(t1, (payload) => seen.push(String(payload.n)));
      await a.subscribe(t2, () => seen.push("wrong topic"));
      await new Promise((resolve) => setTimeout(resolve, 50));
      await b.publish(t1, { n: 1 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      stop();
      await new Promise((resolve) => setTimeout(resolve, 50));
      await b.publish(t1, { n: 2 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.deepEqual(seen, ["1"]);
    });

    it("outlives its database dropping every connection (a restart), and delivers again", { skip: backend !== "postgres" }, async () => {
      const t = topic("restart");
      await b.publish(t, { n: 0 }); // b's publishing pool now holds an idle connection
      const admin = new Client({ connectionString: database.url });
      await admin.connect();
      try {
        await admin.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()");
      } finally {
        await admin.end();
      }
      const delivered = nextEvent(a, t, 10_000);
      // The listener reconnects on its own; publish until an event gets through.
      for (let n = 1; !(await Promise.race([delivered.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 250))])); n++) {
        await b.publish(t, { n }).catch(() => undefined);
      }
      assert.ok((await delivered).payload.n !== 0);
    });
  });
}

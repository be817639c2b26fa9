import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Redis from "ioredis";
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

    it("says when its connection is back, so that a listener can forget what it may have missed", async () => {
      const connectionName = `bus-reconnect-${process.pid}-${Math.random().toString(36).slice(2)}`;
      const options = { databaseUrl: database.url, redisUrl: backend === "redis" ? process.env.REDIS_URL : undefined, connectionName };
      const c = await createEventBus(options);
      try {
        const t = topic("after-reconnect");
        await c.subscribe(t, () => undefined);
        const reconnected = new Promise<void>((resolve) => c.onReconnect(resolve));
        if (backend === "redis") {
          const admin = new Redis(process.env.REDIS_URL!);
          try {
            const clients = String(await admin.client("LIST")).split("\n");
            const ids = clients.filter((line) => line.includes(`name=${connectionName} `) && /\bsub=[1-9]/.test(line)).map((line) => /\bid=(\d+)/.exec(line)![1]);
            assert.equal(ids.length, 1, "one subscribing connection of that name");
            await admin.client("KILL", "ID", ids[0]);
          } finally {
            admin.disconnect();
          }
        } else {
          const admin = new Client({ connectionString: database.url });
          await admin.connect();
          try {
            const killed = await admin.query("select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1 and query ilike 'listen%'", [
              connectionName,
            ]);
            assert.equal(killed.rowCount, 1, "one listening connection of that name");
          } finally {
            await admin.end();
          }
        }
        await Promise.race([reconnected, new Promise((_, reject) => setTimeout(() => reject(new Error("no reconnect within 5 s")), 5_000))]);
      } finally {
        await c.close();
      }
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

import { createEventBus, createLogger, envInt, subscriptionTopic } from "@solo/kit";
import { createTestDatabase } from "@solo/kit/dist/src/testing";
import { fork } from "node:child_process";
import { connect } from "@solo/e2e/dist/src/live";
import { startTestObjectStore } from "@solo/e2e/dist/src/object-store";
import type { Service } from "@solo/e2e/dist/src/processes";
import { freePort, startService, startSubgraphProcesses, stopService } from "@solo/e2e/dist/src/processes";
import { GraphQLClient, PASSWORD, contractOperation, uniqueEmail } from "@solo/e2e/dist/src/stack";
import { benchPlatformEnv } from "./platform-env";

/**
 * One gateway process, SUBSCRIBERS sockets each subscribed to liveStudyStats, RATE events per second
 * for SECONDS seconds published on the event bus (as the assessments subgraph does). Prints
 * delivered/expected, delivery latency (publish → client) p50 and p99, and the gateway's resident
 * memory per connection. Needs Postgres (TEST_DATABASE_URL or DATABASE_URL); REDIS_URL picks Redis.
 */
const SUBSCRIBERS = envInt("SUBSCRIBERS", 1000);
const RATE = envInt("RATE", 20);
const SECONDS = envInt("SECONDS", 30);
/** Subscribers live in these child processes, so the bench measures the gateway, not one busy client. */
const WORKERS = envInt("WORKERS", 4);

async function rss(origin: string): Promise<number> {
  const text = await (await fetch(`${origin}/metrics`)).text();
  return Number(/^process_resident_memory_bytes\{[^}]*\} (\d+)/m.exec(text)![1]);
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function main() {
  process.env.TEST_DATABASE_URL ??= process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const database = await createTestDatabase("bench");
  const store = await startTestObjectStore();
  const services: Service[] = [];
  const gatewayPort = await freePort();
  const base: NodeJS.ProcessEnv = {
    ...benchPlatformEnv(database.url, store),
    // Every subscriber connects from loopback at once, each unsigned until its connection_init.
    MAX_UNAUTHENTICATED_SOCKETS_PER_IP: "1000000",
  };
  const bus = await createEventBus({ redisUrl: process.env.REDIS_URL || undefined, databaseUrl: database.url, logger: createLogger("bench") });
  try {
    const subgraphs = await startSubgraphProcesses(base);
    services.push(...subgraphs.services);
    const env = subgraphs.env;
    const gateway = await startService("gateway", "gateway/dist/src/index.js", gatewayPort, env);
    services.push(gateway);
    const origin = `http://127.0.0.1:${gatewayPort}`;

    const registered = await new GraphQLClient(gateway.url).op("Register", {
      input: { email: uniqueEmail("bench"), password: PASSWORD, displayName: "Bench" },
    });
    const token = registered.data.register.accessToken;

    const memoryBefore = await rss(origin);
    const workers = Array.from({ length: WORKERS }, (_, w) => {
      const count = Math.floor(SUBSCRIBERS / WORKERS) + (w < SUBSCRIBERS % WORKERS ? 1 : 0);
      const child = fork(__filename, ["worker"], {
        env: { ...process.env, BENCH_WS: gateway.url.replace("http", "ws"), BENCH_TOKEN: token, BENCH_COUNT: String(count) },
      });
      const ready = new Promise<void>((resolve) => child.once("message", () => resolve()));
      return { child, ready };
    });
    await Promise.all(workers.map((worker) => worker.ready));
    const ask = <T>(child: (typeof workers)[number]["child"], message: string) =>
      new Promise<T>((resolve) => {
        child.once("message", (answer) => resolve(answer as T));
        child.send(message);
      });
    // Warm up until every subscriber has received an event (graphql-ws does not acknowledge a
    // subscription), then count from zero: the k-th delivery is then the k-th event.
    const topic = subscriptionTopic("liveStudyStats", {});
    for (let round = 0; ; round++) {
      await bus.publish(topic, { warmUp: round });
      await new Promise((resolve) => setTimeout(resolve, 250));
      const live = (await Promise.all(workers.map(({ child }) => ask<number>(child, "live")))).reduce((a, b) => a + b, 0);
      if (live === SUBSCRIBERS) break;
      if (round > 200) throw new Error(`only ${live} of ${SUBSCRIBERS} subscribers receive events`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await Promise.all(workers.map(({ child }) => ask(child, "reset")));
    const memoryAfter = await rss(origin);

    const publishedAt: number[] = [];
    const total = RATE * SECONDS;
    const started = Date.now();
    for (let k = 0; k < total; k++) {
      const due = started + (k * 1000) / RATE;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
      publishedAt.push(Date.now());
      await bus.publish(topic, { at: new Date().toISOString() });
    }
    await new Promise((resolve) => setTimeout(resolve, 3_000));

    const receivedAt: number[][] = (await Promise.all(workers.map(({ child }) => ask<number[][]>(child, "report")))).flat();
    const latencies: number[] = [];
    let delivered = 0;
    for (const times of receivedAt) {
      delivered += times.length;
      times.forEach((at, k) => k < publishedAt.length && latencies.push(at - publishedAt[k]));
    }
    latencies.sort((a, b) => a - b);
    const expected = total * SUBSCRIBERS;
    console.log(`backend: ${bus.backend}; ${SUBSCRIBERS} subscribers, ${RATE} events/s for ${SECONDS} s`);
    console.log(`delivered/expected: ${delivered}/${expected} = ${(delivered / expected).toFixed(4)}`);
    const counts = receivedAt.map((times) => times.length).sort((a, b) => a - b);
    const short = counts.filter((count) => count < total).length;
    console.log(`per subscriber: min ${counts[0]}, max ${counts.at(-1)} of ${total}; ${short} subscribers missed some`);
    console.log(`latency p50: ${percentile(latencies, 50)} ms, p99: ${percentile(latencies, 99)} ms, max: ${latencies.at(-1)} ms`);
    console.log(
      `gateway memory: ${(memoryBefore / 1048576).toFixed(1)} MiB idle, ${(memoryAfter / 1048576).toFixed(1)} MiB with ${SUBSCRIBERS} subscribers = ${((memoryAfter - memoryBefore) / SUBSCRIBERS / 1024).toFixed(1)} KiB per connection`,
    );
  } finally {
    for (const service of services.reverse()) await stopService(service);
    await bus.close();
    await store.close();
    await database.drop();
  }
}

/** A child process holding BENCH_COUNT subscribers; reports their receive times when asked. */
async function worker() {
  const receivedAt: number[][] = [];
  const clients = [];
  for (let i = 0; i < Number(process.env.BENCH_COUNT); i++) {
    const live = connect(process.env.BENCH_WS!, { authorization: `Bearer ${process.env.BENCH_TOKEN}` });
    clients.push(live);
    const times: number[] = [];
    receivedAt.push(times);
    live.client.subscribe({ query: contractOperation("LiveStudyStats") }, { next: () => void times.push(Date.now()), error: () => {}, complete: () => {} });
  }
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  process.send!("ready");
  process.on("message", (message) => {
    if (message === "live") process.send!(receivedAt.filter((times) => times.length > 0).length);
    if (message === "reset") {
      for (const times of receivedAt) times.length = 0;
      process.send!("done");
    }
    if (message === "report") process.send!(receivedAt, () => process.exit(0));
  });
}

if (process.argv[2] === "worker") {
  void worker();
} else
  main().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );

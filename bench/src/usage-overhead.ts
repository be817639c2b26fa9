import fs from "node:fs";
import path from "node:path";
import { envInt, projectRoot, readSubgraphs, subgraphUrlVariable } from "@solo/kit";
import { createTestDatabase } from "@solo/kit/dist/src/testing";
import { startTestObjectStore } from "@solo/e2e/dist/src/object-store";
import type { Service } from "@solo/e2e/dist/src/processes";
import { freePort, startService, startSubgraphProcesses, stopService } from "@solo/e2e/dist/src/processes";
import { RegistryClient } from "@solo/registry";
import { benchPlatformEnv } from "./platform-env";

/**
 * What usage recording costs the gateway: two gateway processes on the same registry and
 * subgraphs (processes of their own), one recording usage (USAGE_REPORTING=1, flushed every
 * second) and one not, loaded in turns from this process (ROUNDS rounds of REQUESTS requests each,
 * CONCURRENCY at a time, alternating which goes first) with a small query that reaches one
 * subgraph, so the gateway's own share of the time is large. Prints both throughputs and the
 * ratio: the issue asks for less than 2% fewer requests per second with recording on.
 *
 * On a shared machine the throughput of a round swings by more than the cost measured (other
 * processes take the CPUs), so it also prints each gateway's CPU time per request (its
 * process_cpu_seconds_total over the rounds): a gateway at its limit serves requests at the rate
 * its CPU allows, and CPU time spent is far steadier than wall time under a neighbour's load.
 */
const ROUNDS = envInt("ROUNDS", 6);
const REQUESTS = envInt("REQUESTS", 3000);
const CONCURRENCY = envInt("CONCURRENCY", 16);
const WARM_UP = envInt("WARM_UP", 500);
const QUERY = "query UsageBench($first: Int) { courses(first: $first) { totalCount } }";

async function load(url: string, count: number): Promise<number> {
  const body = JSON.stringify({ query: QUERY, variables: { first: 1 }, operationName: "UsageBench" });
  const headers = { "content-type": "application/json", "apollographql-client-name": "bench", "apollographql-client-version": "1.0.0" };
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        next += 1;
        const response = await fetch(url, { method: "POST", headers, body });
        const json = (await response.json()) as { errors?: unknown };
        if (json.errors) throw new Error(`the gateway answered ${JSON.stringify(json).slice(0, 500)}`);
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

/** The process's CPU seconds so far, from its /metrics. */
async function cpuSeconds(graphqlUrl: string): Promise<number> {
  const metrics = await (await fetch(`${new URL(graphqlUrl).origin}/metrics`)).text();
  const value = /^process_cpu_seconds_total(?:\{[^}]*\})? (\S+)$/m.exec(metrics)?.[1];
  if (value === undefined) throw new Error("no process_cpu_seconds_total in the gateway's metrics");
  return Number(value);
}

async function main() {
  process.env.TEST_DATABASE_URL ??= process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const database = await createTestDatabase("bench");
  const store = await startTestObjectStore();
  const services: Service[] = [];
  try {
    const env = { ...benchPlatformEnv(database.url, store), EVENT_BUS_NAMESPACE: `bench-${process.pid}` };
    const subgraphs = await startSubgraphProcesses(env);
    services.push(...subgraphs.services);
    const registry = await startService("registry", "registry/dist/src/index.js", await freePort(), subgraphs.env);
    services.push(registry);
    const registryUrl = new URL(registry.url).origin;
    const client = new RegistryClient({ url: registryUrl });
    for (const entry of readSubgraphs()) {
      const sdl = fs.readFileSync(path.join(projectRoot(), "schema", `${entry.name}.graphql`), "utf8");
      await client.publish(entry.name, { sdl, url: subgraphs.env[subgraphUrlVariable(entry.name)]!, author: "bench" });
    }
    const gatewayEnv = { ...subgraphs.env, SUPERGRAPH_SOURCE: "registry", REGISTRY_URL: registryUrl, USAGE_FLUSH_SECONDS: "1" };
    const on = await startService("gateway (usage on)", "gateway/dist/src/index.js", await freePort(), { ...gatewayEnv, USAGE_REPORTING: "1" });
    services.push(on);
    const off = await startService("gateway (usage off)", "gateway/dist/src/index.js", await freePort(), { ...gatewayEnv, USAGE_REPORTING: "0" });
    services.push(off);

    await load(on.url, WARM_UP);
    await load(off.url, WARM_UP);
    const rates = { on: [] as number[], off: [] as number[] };
    const cpu = { on: 0, off: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      // Alternating which goes first, so drift on the machine falls on both alike.
      const order = round % 2 ? (["off", "on"] as const) : (["on", "off"] as const);
      for (const mode of order) {
        const url = mode === "on" ? on.url : off.url;
        const before = await cpuSeconds(url);
        rates[mode].push(await load(url, REQUESTS));
        cpu[mode] += (await cpuSeconds(url)) - before;
      }
    }
    // The last second's counts reach the registry before it is asked.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const perRequest = { on: (cpu.on / (ROUNDS * REQUESTS)) * 1e6, off: (cpu.off / (ROUNDS * REQUESTS)) * 1e6 };
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    const ratio = mean(rates.on) / mean(rates.off);
    const metrics = await (await fetch(`${new URL(on.url).origin}/metrics`)).text();
    const sent = /usage_flushes_total\{[^}]*outcome="sent"[^}]*\} (\d+)/.exec(metrics)?.[1] ?? "0";
    const reported = await client.usage("Query.courses");
    console.log(`usage recording: ${ROUNDS} rounds × ${REQUESTS} requests, ${CONCURRENCY} at a time`);
    console.log(`  off: ${mean(rates.off).toFixed(0)} requests/s  (rounds: ${rates.off.map((rate) => rate.toFixed(0)).join(", ")})`);
    console.log(`  on:  ${mean(rates.on).toFixed(0)} requests/s  (rounds: ${rates.on.map((rate) => rate.toFixed(0)).join(", ")})`);
    console.log(`  on/off: ${ratio.toFixed(4)} (${((1 - ratio) * 100).toFixed(2)}% fewer requests/s; wall-clock rounds on this machine vary by more)`);
    console.log(
      `  gateway CPU per request: off ${perRequest.off.toFixed(0)} µs, on ${perRequest.on.toFixed(0)} µs: recording costs ${((perRequest.on / perRequest.off - 1) * 100).toFixed(2)}% of throughput (the bar is under 2%)`,
    );
    console.log(
      `  flushes sent: ${sent}; the registry counted ${reported.operations.find((operation) => operation.name === "UsageBench")?.count ?? 0} UsageBench requests of ${WARM_UP + ROUNDS * REQUESTS} sent`,
    );
  } finally {
    for (const service of services.reverse()) await stopService(service);
    await store.close();
    await database.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

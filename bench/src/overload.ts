import os from "node:os";
import autocannon from "autocannon";
import { envInt } from "@solo/kit";
import type { Service } from "@solo/e2e/dist/src/processes";
import { freePort, startService, stopService } from "@solo/e2e/dist/src/processes";
import { LEADERBOARD, startBenchPlatform } from "./bench-platform";
import { openLoop } from "./open-loop";
import { processRssMiB, rssPeak, scrapedMetric } from "./proc-stats";

/**
 * bench:overload: what the gateway does with more than it can serve. First the sustainable rate of
 * the two-fetch query (the leaderboard of 20 with users): what autocannon's 10 connections get
 * through. Then requests at fixed rates (LOAD_MULTIPLES of it, 1 and 4) for DURATION_SECONDS each,
 * open loop, to our gateway as configured by default and to the same gateway with admission
 * control off (MAX_IN_FLIGHT_REQUESTS=0), each over the same subgraphs. Prints, per run, what was
 * served and refused each second, the latency of what was served (from the moment each request
 * was due), of the refusals, and the gateway's resident memory at its peak.
 */
const SECONDS = envInt("DURATION_SECONDS", 15);
const MULTIPLES = (process.env.LOAD_MULTIPLES ?? "1,4").split(",").map(Number);
const TIMEOUT_MS = envInt("CLIENT_TIMEOUT_MS", 10_000);

const fixed = (value: number, digits = 0) => value.toFixed(digits).padStart(8);

async function answer(url: string, body: string): Promise<string> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
  const text = await response.text();
  if (!response.ok || (JSON.parse(text) as { errors?: unknown }).errors) throw new Error(`${url} answered ${response.status}: ${text.slice(0, 400)}`);
  return text;
}

/** The highest event-loop delay (ms) the gateway's /metrics saw since it was last scraped (each scrape starts the next). */
const eventLoopDelayMaxMs = async (url: string) => (await scrapedMetric(url, "nodejs_eventloop_lag_max_seconds")) * 1000;

async function main() {
  const platform = await startBenchPlatform({ peers: false, name: "bench_overload" });
  let unguarded: Service | undefined;
  try {
    const { ours, subgraphs, seeded } = platform;
    unguarded = await startService("gateway, admission control off", "gateway/dist/src/index.js", await freePort(), { ...subgraphs.env, MAX_IN_FLIGHT_REQUESTS: "0" });
    const body = JSON.stringify({
      query: "query BenchLeaderboard($testId: ID!, $first: Int) { leaderboard(testId: $testId, first: $first) { rank score user { id displayName } } }",
      variables: { testId: seeded.test.id, first: LEADERBOARD },
    });
    const gateways = [
      { name: "gateway (defaults)", service: ours },
      { name: "gateway, admission off", service: unguarded },
    ];
    const expected = await answer(ours.url, body);
    if ((await answer(unguarded.url, body)) !== expected) throw new Error("the two gateways answer differently");
    const closedLoop = (url: string, seconds: number) =>
      autocannon({ url, method: "POST", headers: { "content-type": "application/json" }, body, connections: 10, duration: seconds, expectBody: expected });
    for (const { service } of gateways) await closedLoop(service.url, 3);
    // Capacity is what the gateway does with every request admitted: ours with admission control off.
    const measured = await closedLoop(unguarded.url, 5);
    if (measured.non2xx || measured.errors || measured.mismatches)
      throw new Error(`the sustainable rate's run had ${measured.non2xx} non-2xx, ${measured.errors} errors, ${measured.mismatches} mismatches`);
    const sustainable = measured.requests.average;
    console.log(
      `\n${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${os.cpus()[0]?.model}, Node ${process.version}; the leaderboard of ${LEADERBOARD} with users (two fetches)`,
    );
    console.log(`sustainable rate (autocannon, 10 connections, 5 s): ${sustainable.toFixed(0)} requests/s, p99 ${measured.latency.p99} ms`);
    console.log(`open loop, ${SECONDS} s per run, clients give up after ${TIMEOUT_MS / 1000} s; latency from each request's due time (ms)`);
    console.log(
      `${"gateway".padEnd(24)} load  offered/s  served/s  refused/s  failed  timed out  served p50  served p99  served max  refused p50  refused p99  RSS idle  RSS peak  its loop delay max  load generator's loop delay p99, max  connections`,
    );
    for (const multiple of MULTIPLES) {
      for (const { name, service } of gateways) {
        const pid = service.child.pid!;
        const idle = processRssMiB(pid);
        const peak = rssPeak(pid);
        await eventLoopDelayMaxMs(service.url);
        const rate = sustainable * multiple;
        const result = await openLoop({ url: service.url, body, rate, seconds: SECONDS, expected, timeoutMs: TIMEOUT_MS });
        const peakRss = peak.stop();
        const gatewayDelay = await eventLoopDelayMaxMs(service.url);
        const generatorDelay = result.loadGeneratorDelay;
        if (result.wrong) throw new Error(`${name} at ${multiple}×: ${result.wrong} wrong answers, the first ${result.firstWrong}`);
        console.log(
          `${name.padEnd(24)} ${`${multiple}×`.padStart(4)} ${fixed(rate).padStart(10)} ${fixed(result.accepted.count / SECONDS).padStart(9)} ${fixed(result.shed.count / SECONDS).padStart(10)} ${fixed(result.failed).padStart(7)} ${fixed(result.timedOut).padStart(10)} ${fixed(result.accepted.p50).padStart(11)} ${fixed(result.accepted.p99).padStart(11)} ${fixed(result.accepted.max).padStart(11)} ${fixed(result.shed.p50).padStart(12)} ${fixed(result.shed.p99).padStart(12)} ${fixed(idle).padStart(9)} ${fixed(peakRss).padStart(9)} ${fixed(gatewayDelay).padStart(19)} ${fixed(generatorDelay.p99).padStart(23)},${fixed(generatorDelay.max)} ${fixed(result.connections)}`,
        );
        // What a gateway without a limit still works on after its clients gave up must not slow the next run.
        await new Promise((resolve) => setTimeout(resolve, 5_000));
      }
    }
    console.log(
      "served: 200 with the expected answer; refused: 503 or 429 with Retry-After; failed: the connection refused or reset; timed out: no answer within the client's limit (failed and timed out are totals, the rest per second)",
    );
  } finally {
    if (unguarded) await stopService(unguarded, "SIGKILL");
    await platform.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

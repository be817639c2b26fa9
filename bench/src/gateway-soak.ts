import autocannon from "autocannon";
import { envInt } from "@solo/kit";
import { MATERIALS, startBenchPlatform } from "./bench-platform";
import { processRssMiB, scrapedMetric } from "./proc-stats";

/**
 * bench:soak: our gateway under steady load for SOAK_MINUTES (10), its resident memory sampled every
 * SAMPLE_SECONDS (30), with its JavaScript heap in use. The load mixes what a deployment sees: the
 * one-subgraph query anonymous and signed in, the two-fetch leaderboard, page sizes that vary, and
 * one request in NEW_DOCUMENT_EVERY (10) a document never seen before (a new alias), which every
 * cache keyed by document must bound. Prints the samples, then the growth from the end of the
 * first minute (caches warm) to the end of the run.
 */
const MINUTES = envInt("SOAK_MINUTES", 10);
const SAMPLE_SECONDS = envInt("SAMPLE_SECONDS", 30);
const CONNECTIONS = envInt("CONNECTIONS", 10);
/** One request in this many is a document never seen before (0: none). */
const NEW_DOCUMENT_EVERY = envInt("NEW_DOCUMENT_EVERY", 10);

/** The JavaScript heap in use (MiB), from the gateway's /metrics: what it holds, apart from the allocator's own. */
const heapUsedMiB = async (url: string) => (await scrapedMetric(url, "nodejs_heap_size_used_bytes")) / 1024 / 1024;

async function main() {
  const platform = await startBenchPlatform({ peers: false, name: "bench_soak" });
  try {
    const { ours, seeded } = platform;
    const pid = ours.child.pid!;
    const oneSubgraph = (alias: string) => `query SoakOneSubgraph($slug: String!, $first: Int) {
      ${alias}: course(slug: $slug) { id title lessons { id title } }
      readingMaterials(first: $first) { totalCount edges { node { id title } } }
    }`;
    const leaderboard = "query SoakLeaderboard($testId: ID!, $first: Int) { leaderboard(testId: $testId, first: $first) { rank score user { id displayName } } }";
    const signedIn = { authorization: `Bearer ${seeded.student.accessToken}` };
    let sent = 0;
    const body = () => {
      sent += 1;
      const first = 1 + (sent % MATERIALS);
      const kind = sent % 10;
      if (NEW_DOCUMENT_EVERY && sent % NEW_DOCUMENT_EVERY === 0)
        return { body: JSON.stringify({ query: oneSubgraph(`course_${sent}`), variables: { slug: seeded.course.slug, first } }) };
      if (kind < 4) return { body: JSON.stringify({ query: leaderboard, variables: { testId: seeded.test.id, first } }) };
      const request = { body: JSON.stringify({ query: oneSubgraph("course"), variables: { slug: seeded.course.slug, first } }) };
      return kind < 7 ? request : { ...request, headers: { "content-type": "application/json", ...signedIn } };
    };
    const started = Date.now();
    const sample = async () => ({ minute: (Date.now() - started) / 60_000, rss: processRssMiB(pid), heap: await heapUsedMiB(ours.url) });
    const samples = [await sample()];
    const sampler = setInterval(() => void sample().then((taken) => samples.push(taken)), SAMPLE_SECONDS * 1000);
    console.log(
      `\n${new Date().toISOString().slice(0, 10)}: ${MINUTES} minutes at ${CONNECTIONS} connections, a new document every ${NEW_DOCUMENT_EVERY || "never"} requests, RSS every ${SAMPLE_SECONDS} s (idle: ${samples[0].rss.toFixed(0)} MiB)`,
    );
    const result = await autocannon({
      url: ours.url,
      method: "POST",
      headers: { "content-type": "application/json" },
      connections: CONNECTIONS,
      duration: MINUTES * 60,
      requests: [{ setupRequest: (request) => ({ ...request, ...body() }) }],
    });
    clearInterval(sampler);
    samples.push(await sample());
    const wrong = result.errors + result.timeouts + result.non2xx;
    if (wrong) throw new Error(`${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx answers`);
    console.log(`${result.requests.total} requests, ${result.requests.average.toFixed(0)} a second, p99 ${result.latency.p99} ms`);
    console.log("minute   RSS MiB   heap used MiB");
    for (const taken of samples) console.log(`${taken.minute.toFixed(1).padStart(6)}   ${taken.rss.toFixed(0).padStart(7)}   ${taken.heap.toFixed(0).padStart(13)}`);
    const warm = samples.find((taken) => taken.minute >= 1) ?? samples[0];
    const last = samples[samples.length - 1];
    const after = samples.filter((taken) => taken.minute >= warm.minute);
    const peak = Math.max(...after.map((taken) => taken.rss));
    console.log(
      `from minute ${warm.minute.toFixed(1)} (${warm.rss.toFixed(0)} MiB) to the end (${last.rss.toFixed(0)} MiB): ${(last.rss - warm.rss).toFixed(0)} MiB (${(((last.rss - warm.rss) / warm.rss) * 100).toFixed(1)}%); highest meanwhile ${peak.toFixed(0)} MiB; heap in use ${warm.heap.toFixed(0)} → ${last.heap.toFixed(0)} MiB`,
    );
  } finally {
    await platform.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

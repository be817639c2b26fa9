import os from "node:os";
import autocannon from "autocannon";
import { GATEWAY_KEY_HEADER, POOL_MAX, anonymousGatewayKey, envInt, subgraphUrlVariable } from "@solo/kit";
import type { Service } from "@solo/e2e/dist/src/processes";
import { LEADERBOARD, MATERIALS, startBenchPlatform } from "./bench-platform";
import { processCpuSeconds, processRssMiB, rssPeak } from "./proc-stats";
import { statementSetsPerSecond, statementsOf } from "./sql-reference";

/**
 * bench:gateway: our gateway against the peers a user would put in front of the same subgraphs
 * instead (stock @apollo/gateway with @apollo/server, Hive Gateway) and, for the one-subgraph
 * query, the subgraph called directly. Every target is a process of its own over the same
 * subgraph processes and database. Each query's answer is fetched from every target first and
 * must be the same data everywhere; under load (autocannon) every answer must be byte for byte
 * the one its target gave first. Targets take turns, the first rotating each round. Prints
 * requests per second, p50 and p99 latency, and the CPU per request of the gateway process and of
 * the subgraph processes behind it (from /proc), then the ratios to the first target; last, each
 * gateway's resident memory idle (seeded, before any load) and at its peak under load.
 */
const ROUNDS = envInt("ROUNDS", 2);
const SECONDS = envInt("DURATION_SECONDS", 5);
const WARM_UP_SECONDS = envInt("WARM_UP_SECONDS", 2);
const CONNECTIONS = (process.env.CONNECTIONS ?? "10,50").split(",").map(Number);
/** QUERIES=A,F runs those alone (their letters); all of them by default. */
const ONLY = process.env.QUERIES?.split(",").map((letter) => letter.trim().toUpperCase());

interface Target {
  name: string;
  url: string;
  /** The gateway's process; none for a subgraph called directly. */
  gatewayPid?: number;
  headers?: Record<string, string>;
}

interface Query {
  name: string;
  text: string;
  variables: Record<string, unknown>;
  /** The targets it runs on; the first is the one the ratios divide. */
  targets: Target[];
  /** The SQL statements the subgraph called directly sends for it, to run straight on a pool too. */
  sql?: string[];
}

interface Measure {
  rps: number;
  p50: number;
  p99: number;
  /** CPU per request of the gateway process, and of all subgraph processes together. */
  gatewayCpuMs: number;
  subgraphsCpuMs: number;
  /** Requests refused by admission control (503): counted apart, never as served. */
  shed: number;
}

/** Each gateway process's resident memory (MiB): idle, and the highest seen under load. */
const memory = new Map<number, { name: string; idle: number; peak: number }>();

async function answer(target: Target, query: Query): Promise<string> {
  const response = await fetch(target.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...target.headers },
    body: JSON.stringify({ query: query.text, variables: query.variables }),
  });
  const text = await response.text();
  const json = JSON.parse(text) as { data?: unknown; errors?: unknown };
  if (!response.ok || json.errors) throw new Error(`${target.name} answered ${query.name} with ${response.status}: ${text.slice(0, 600)}`);
  return text;
}

/** Every target's answer to `query`, after checking that they hold the same data. */
async function answers(query: Query): Promise<Map<Target, string>> {
  const bodies = new Map<Target, string>();
  for (const target of query.targets) bodies.set(target, await answer(target, query));
  const [first, ...rest] = query.targets;
  const reference = JSON.stringify((JSON.parse(bodies.get(first)!) as { data: unknown }).data);
  for (const target of rest) {
    const data = JSON.stringify((JSON.parse(bodies.get(target)!) as { data: unknown }).data);
    if (data !== reference) throw new Error(`${query.name}: ${target.name}'s data differ from ${first.name}'s:\n${data.slice(0, 400)}\n${reference.slice(0, 400)}`);
  }
  return bodies;
}

async function load(target: Target, query: Query, expected: string, connections: number, seconds: number, subgraphPids: number[]): Promise<Measure> {
  const gatewayCpu = () => (target.gatewayPid ? processCpuSeconds(target.gatewayPid) : 0);
  const subgraphsCpu = () => subgraphPids.reduce((sum, pid) => sum + processCpuSeconds(pid), 0);
  const before = { gateway: gatewayCpu(), subgraphs: subgraphsCpu() };
  const rss = target.gatewayPid ? rssPeak(target.gatewayPid) : undefined;
  const result = await autocannon({
    url: target.url,
    method: "POST",
    headers: { "content-type": "application/json", ...target.headers },
    body: JSON.stringify({ query: query.text, variables: query.variables }),
    connections,
    duration: seconds,
    expectBody: expected,
  });
  const peak = rss?.stop();
  const seen = target.gatewayPid ? memory.get(target.gatewayPid) : undefined;
  if (seen && peak !== undefined) seen.peak = Math.max(seen.peak, peak);
  // A saturated gateway of ours sheds with 503 (admission control) rather than queue: those are
  // neither served nor wrong. Every other answer must be a 200 with the expected bytes.
  const shed = (result.statusCodeStats as Record<string, { count: number } | undefined>)["503"]?.count ?? 0;
  const served = result.requests.total - shed;
  const perRequestMs = (cpuSeconds: number) => (cpuSeconds * 1000) / served;
  const wrong = result.errors + result.timeouts + (result.non2xx - shed) + (result.mismatches - shed);
  if (wrong)
    throw new Error(
      `${target.name} on ${query.name}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx (${JSON.stringify(result.statusCodeStats)}), ${result.mismatches} answers not byte for byte the expected one`,
    );
  return {
    rps: served / seconds,
    shed,
    p50: result.latency.p50,
    p99: result.latency.p99,
    gatewayCpuMs: perRequestMs(gatewayCpu() - before.gateway),
    subgraphsCpuMs: perRequestMs(subgraphsCpu() - before.subgraphs),
  };
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const fixed = (value: number, digits = 0) => value.toFixed(digits).padStart(8);

async function main() {
  const platform = await startBenchPlatform({ peers: true, name: "bench_gateway", responseCache: true });
  const { database, store, subgraphs, ours, cached, peers: started, seeded } = platform;
  const { course, test, student } = seeded;
  const { stock, hive } = started!;
  try {
    const target = (service: Service, headers?: Record<string, string>): Target => ({ name: service.name, url: service.url, gatewayPid: service.child.pid!, headers });
    const subgraphPids = subgraphs.services.map((service) => service.child.pid!);
    const peers = [target(ours), target(stock), target(hive)];
    for (const each of peers) memory.set(each.gatewayPid!, { name: each.name, idle: processRssMiB(each.gatewayPid!), peak: 0 });
    const content = subgraphs.services.find((service) => service.url === subgraphs.env[subgraphUrlVariable("content")])!;
    const direct: Target = { name: "content subgraph, direct", url: content.url, headers: { [GATEWAY_KEY_HEADER]: anonymousGatewayKey() } };
    const oneSubgraph = `query BenchOneSubgraph($slug: String!, $first: Int) {
      course(slug: $slug) { id title description level tags lessons { id position title durationMinutes } }
      readingMaterials(first: $first) { totalCount edges { node { id title kind topic } } }
    }`;
    const oneSubgraphVariables = { slug: course.slug, first: MATERIALS };
    const queries: Query[] = [
      {
        name: "A: one subgraph (course, 12 lessons, 20 materials)",
        text: oneSubgraph,
        variables: oneSubgraphVariables,
        targets: [...peers, direct],
        sql: await statementsOf("content", database.url, store.config, oneSubgraph, oneSubgraphVariables),
      },
      {
        name: "B: two fetches (leaderboard of 20 with users)",
        text: "query BenchLeaderboard($testId: ID!, $first: Int) { leaderboard(testId: $testId, first: $first) { rank score user { id displayName } } }",
        variables: { testId: test.id, first: LEADERBOARD },
        targets: peers,
      },
      {
        name: "C: three levels across three subgraphs (tests, course, author)",
        text: "query BenchThreeLevels { mockTests(first: 5) { edges { node { id title course { title author { displayName } } } } } }",
        variables: {},
        targets: peers,
      },
      {
        name: "D: the price of auth (query A, ours with a token against ours anonymous)",
        text: oneSubgraph,
        variables: oneSubgraphVariables,
        targets: [
          { ...target(ours, { authorization: `Bearer ${student.accessToken}` }), name: "gateway, signed in" },
          { ...target(ours), name: "gateway, anonymous" },
        ],
      },
      {
        name: "F: query A from the response cache (ours cached, against ours sharing fetches in flight, and each request fetched)",
        text: oneSubgraph,
        variables: oneSubgraphVariables,
        targets: [target(cached!.on), target(ours), target(cached!.off)],
      },
      {
        name: "E: a mutation (ours, signed in: updateProfile)",
        text: "mutation BenchUpdateProfile($input: UpdateProfileInput!) { updateProfile(input: $input) { id displayName timezone } }",
        variables: { input: { displayName: "Bench Student 1", timezone: "Asia/Kolkata" } },
        targets: [{ ...target(ours, { authorization: `Bearer ${student.accessToken}` }), name: "gateway, signed in" }],
      },
    ];

    console.log(
      `\n${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${os.cpus()[0]?.model}, Node ${process.version}; ${ROUNDS} rounds of ${SECONDS} s per target, after ${WARM_UP_SECONDS} s of warm-up`,
    );
    for (const query of queries.filter((each) => !ONLY || ONLY.includes(each.name[0]))) {
      const expected = await answers(query);
      for (const each of query.targets) await load(each, query, expected.get(each)!, CONNECTIONS[0], WARM_UP_SECONDS, subgraphPids);
      for (const connections of CONNECTIONS) {
        const measured = new Map<Target, Measure[]>(query.targets.map((each) => [each, []]));
        const sqlRates: number[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          const order = query.targets.map((_, index) => query.targets[(index + round) % query.targets.length]);
          for (const each of order) measured.get(each)!.push(await load(each, query, expected.get(each)!, connections, SECONDS, subgraphPids));
          // The physical reference in every round, beside the targets: a shared host's speed drifts over a run.
          if (query.sql) sqlRates.push(await statementSetsPerSecond(database.url, query.sql, connections, SECONDS, POOL_MAX));
        }
        console.log(`\n${query.name}, ${connections} connections`);
        console.log(`${"target".padEnd(28)}      rps   p50 ms   p99 ms  gateway CPU  subgraphs CPU (ms/req)   rps ratio  gateway CPU ratio`);
        const [first] = query.targets;
        const summary = (each: Target) => {
          const all = measured.get(each)!;
          return {
            rps: mean(all.map((m) => m.rps)),
            p50: mean(all.map((m) => m.p50)),
            p99: mean(all.map((m) => m.p99)),
            gateway: mean(all.map((m) => m.gatewayCpuMs)),
            subgraphs: mean(all.map((m) => m.subgraphsCpuMs)),
            shed: all.reduce((sum, m) => sum + m.shed, 0),
          };
        };
        const base = summary(first);
        for (const each of query.targets) {
          const row = summary(each);
          const cpuRatio = each.gatewayPid ? fixed(base.gateway / row.gateway, 2) : "       —";
          const ratios = each === first ? "" : `    ${fixed(base.rps / row.rps, 2)}           ${cpuRatio}`;
          const gatewayCpu = each.gatewayPid ? fixed(row.gateway, 2) : "       —";
          const shed = row.shed ? `   (${row.shed} shed with 503)` : "";
          console.log(
            `${each.name.padEnd(28)} ${fixed(row.rps)} ${fixed(row.p50, 1)} ${fixed(row.p99, 1)}     ${gatewayCpu}       ${fixed(row.subgraphs, 2)}${ratios}${shed}`,
          );
        }
        if (query.sql) {
          const sqlRate = mean(sqlRates);
          const directRate = summary(direct).rps;
          console.log(`${"its SQL, straight on pg".padEnd(28)} ${fixed(sqlRate)}   (${query.sql.length} statements a request, a pool of ${POOL_MAX})`);
          console.log(`the subgraph called directly serves ${(directRate / sqlRate).toFixed(2)} × the rate of its own SQL`);
        }
      }
    }
    console.log("\nresident memory (MiB)         idle   peak under load   peak ratio");
    const [oursMemory, ...peerMemory] = [...memory.values()];
    for (const each of [oursMemory, ...peerMemory]) {
      // A gateway QUERIES left unloaded has no peak to compare.
      const ratio = each === oursMemory || !each.peak ? "" : `        ${fixed(oursMemory.peak / each.peak, 2)}`;
      console.log(`${each.name.padEnd(28)} ${fixed(each.idle)}          ${fixed(each.peak)}${ratio}`);
    }
    console.log("\nratios: the first target's figure over this one's (rps: above 1, the first serves more; CPU: below 1, the first spends less)");
  } finally {
    await platform.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

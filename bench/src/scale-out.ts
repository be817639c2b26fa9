import type { ChildProcess } from "node:child_process";
import { fork } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import autocannon from "autocannon";
import { Client } from "pg";
import { createEventBus, createLogger, envInt, livePublisher } from "@solo/kit";
import { publishedTest, sit } from "@solo/e2e/dist/src/assessment-fixtures";
import { publishedCourse } from "@solo/e2e/dist/src/content-fixtures";
import type { LiveClient } from "@solo/e2e/dist/src/live";
import { connect } from "@solo/e2e/dist/src/live";
import type { ReplicatedPlatform } from "@solo/e2e/dist/src/replicated-platform";
import { startReplicatedPlatform } from "@solo/e2e/dist/src/replicated-platform";
import type { GraphQLResponse } from "@solo/e2e/dist/src/stack";
import { GraphQLClient, PASSWORD, VERIFY_EMAIL, contractOperation, mailTo, uniqueEmail } from "@solo/e2e/dist/src/stack";
import { processCpuSeconds, processRssMiB } from "./proc-stats";

/**
 * bench:scale: scale-out measured in one run, on one platform of real processes
 * (startReplicatedPlatform: every subgraph SCALE_REPLICAS times and the gateways behind round-robin
 * load balancers that follow /ready, with Redis as the event bus when REDIS_URL is set).
 *
 * (a) Requests per second of a federated query mix (one subgraph anonymous and signed in, two
 * fetches, three levels across three subgraphs; varying slugs, page sizes and readers) sent by
 * autocannon, in a process of its own, to the gateways' balancer: with one gateway process in
 * rotation, then two (a second one added to the balancer), in SCALE_PAIRS pairs of rounds whose
 * order alternates (one-two, two-one, …) after a warm-up of each. Prints each round, the medians
 * and the ratio two/one, and where the machine's CPU went (gateways, subgraphs, the balancers'
 * processes, the load generator, Postgres, Redis, and the rest: anything else on the host).
 *
 * (b) Live subscribers on one gateway process: a fresh gateway out of the balancer's rotation,
 * holding StudySessionUpdated subscribers (graphql-ws, in SCALE_WORKERS child processes) of
 * SCALE_STUDENTS students, the subscribers spread evenly over their sessions. The subscribers ramp
 * through SCALE_SUBSCRIBERS. At each step every student records progress (RecordStudyProgress
 * through the balancer, so through the other gateways and any assessments replica) until every
 * subscriber has received an event: the real path, across replicas. Then, for SCALE_STEP_SECONDS,
 * an event a second for each student is published on the event bus as the assessments subgraph
 * publishes it (livePublisher), so that latency starts at the publish: each event one lookup on the
 * holding gateway (as the student), fanned out to that student's subscribers. Per step:
 * delivered/expected, delivery latency (publish → message received) p50/p99/max, the holding
 * gateway's resident memory per subscriber, its CPU per delivered message and when idle. Stops at the first step that loses messages or whose p99 passes
 * 2 s, or after SCALE_LIVE_MINUTES; prints the most subscribers held with p99 under
 * SCALE_P99_LIMIT_MS.
 */
const REPLICAS = envInt("SCALE_REPLICAS", 2);
const CONNECTIONS = envInt("SCALE_CONNECTIONS", 50);
const SECONDS = envInt("SCALE_SECONDS", 10);
const WARM_UP_SECONDS = envInt("SCALE_WARM_UP_SECONDS", 5);
const PAIRS = envInt("SCALE_PAIRS", 3);
const SUBSCRIBERS = (process.env.SCALE_SUBSCRIBERS ?? "1000,2000,5000,10000,15000").split(",").map(Number);
const STUDENTS = envInt("SCALE_STUDENTS", 50);
const STEP_SECONDS = envInt("SCALE_STEP_SECONDS", 10);
const P99_LIMIT_MS = envInt("SCALE_P99_LIMIT_MS", 100);
const WORKERS = envInt("SCALE_WORKERS", 4);
const LIVE_MINUTES = envInt("SCALE_LIVE_MINUTES", 5);
const RESPONSE_CACHE = process.env.SCALE_RESPONSE_CACHE ?? "0";

const COURSES = 3;
const LESSONS = 8;
const MATERIALS = 20;
const TEST_TAKERS = 20;

const ONE_SUBGRAPH = `query ScaleOneSubgraph($slug: String!, $first: Int) {
  course(slug: $slug) { id title description level tags lessons { id position title durationMinutes } }
  readingMaterials(first: $first) { totalCount edges { node { id title kind topic } } }
}`;
const LEADERBOARD = "query ScaleLeaderboard($testId: ID!, $first: Int) { leaderboard(testId: $testId, first: $first) { rank score user { id displayName } } }";
const THREE_LEVELS = "query ScaleThreeLevels($first: Int) { mockTests(first: $first) { edges { node { id title course { title author { displayName } } } } } }";

interface Fixtures {
  slugs: string[];
  testId: string;
  /** Students' access tokens: the signed-in share of the mix. */
  tokens: string[];
}

/** Request `n` of the mix: 3/10 one subgraph anonymous, 2/10 signed in, 3/10 two fetches, 2/10 three levels. */
function mixRequest(n: number, fixtures: Fixtures): { body: string; headers: Record<string, string> } {
  const kind = n % 10;
  const first = 1 + (Math.floor(n / 10) % MATERIALS);
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (kind < 5) {
    if (kind >= 3) headers.authorization = `Bearer ${fixtures.tokens[Math.floor(n / 10) % fixtures.tokens.length]}`;
    return { body: JSON.stringify({ query: ONE_SUBGRAPH, variables: { slug: fixtures.slugs[n % fixtures.slugs.length], first } }), headers };
  }
  if (kind < 8) return { body: JSON.stringify({ query: LEADERBOARD, variables: { testId: fixtures.testId, first } }), headers };
  return { body: JSON.stringify({ query: THREE_LEVELS, variables: { first: 1 + (n % 5) } }), headers };
}

interface LoadRequest {
  url: string;
  connections: number;
  seconds: number;
  fixtures: Fixtures;
}

interface LoadResult {
  total: number;
  /** 503s: admission control (a gateway's or a subgraph's), counted apart from what was served. */
  shed: number;
  /** 502s: the balancer could not reach a gateway. */
  badGateway: number;
  /** Any other non-2xx, connection errors, timeouts, 200s carrying GraphQL errors. */
  wrong: number;
  firstWrong?: string;
  p50: number;
  p99: number;
}

/** The load generator's process: runs autocannon with the mix when asked, and answers with its figures. */
function loadGenerator() {
  process.on("disconnect", () => process.exit(0));
  process.on("message", (message: LoadRequest) => {
    let sent = 0;
    let graphqlErrors = 0;
    let firstWrong: string | undefined;
    void autocannon({
      url: message.url,
      method: "POST",
      headers: { "content-type": "application/json" },
      connections: message.connections,
      duration: message.seconds,
      requests: [
        {
          setupRequest: (request) => ({ ...request, ...mixRequest(sent++, message.fixtures) }),
          onResponse: (status, body) => {
            if (status === 200 && body.includes('"errors"')) {
              graphqlErrors += 1;
              firstWrong ??= body.slice(0, 300);
            } else if (status !== 200 && status !== 503) firstWrong ??= `${status}: ${body.slice(0, 300)}`;
          },
        },
      ],
    }).then((result) => {
      const codes = result.statusCodeStats as Record<string, { count: number } | undefined>;
      const shed = codes["503"]?.count ?? 0;
      const badGateway = codes["502"]?.count ?? 0;
      const reply: LoadResult = {
        total: result.requests.total,
        shed,
        badGateway,
        wrong: result.errors + result.timeouts + (result.non2xx - shed - badGateway) + graphqlErrors,
        firstWrong,
        p50: result.latency.p50,
        p99: result.latency.p99,
      };
      process.send!(reply);
    });
  });
}

/** CPU seconds the whole host has spent busy (not idle, not waiting on I/O), and stolen by the hypervisor, from /proc/stat. */
function hostCpuSeconds(): { busy: number; steal: number } {
  const [user, nice, system, , , irq, softirq, steal] = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  return { busy: (user + nice + system + irq + softirq + steal) / 100, steal: steal / 100 };
}

/** CPU seconds so far of each process whose command line matches (a process gone meanwhile drops out). */
function cpuByCommand(match: (commandLine: string) => boolean): Map<number, number> {
  const seconds = new Map<number, number>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (match(fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " "))) seconds.set(Number(entry), processCpuSeconds(Number(entry)));
    } catch {
      // exited while read
    }
  }
  return seconds;
}

/** CPU seconds between two readings of cpuByCommand: a process started meanwhile counts in full. */
const cpuBetween = (before: Map<number, number>, after: Map<number, number>) => sum([...after].map(([pid, seconds]) => seconds - (before.get(pid) ?? 0)));

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
const fixed = (value: number, digits = 0) => value.toFixed(digits).padStart(8);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function succeeded<T = any>(response: GraphQLResponse<T>, what: string): T {
  if (response.errors || !response.data) throw new Error(`${what}: ${response.status} ${JSON.stringify(response.errors)}`);
  return response.data;
}

/** Courses, reading materials and a mock test sat by students, through the gateways; the students signed in. */
async function seed(url: string, adminEmail: string) {
  const anonymous = new GraphQLClient(url);
  const signUp = async (displayName: string, email = uniqueEmail("scale")) =>
    succeeded(await anonymous.op("Register", { input: { email, password: PASSWORD, displayName } }), "register").register as {
      accessToken: string;
      user: { id: string };
    };
  await signUp("Scale Admin", adminEmail);
  const { token } = await mailTo({ origin: new URL(url).origin }, adminEmail, /Confirm your email/);
  succeeded(await anonymous.request(VERIFY_EMAIL, { token }), "verifyEmail");
  const admin = succeeded(await anonymous.op("Login", { email: adminEmail, password: PASSWORD }), "login").login as { accessToken: string };
  const teacher = await signUp("Scale Teacher");
  succeeded(await new GraphQLClient(url, { token: admin.accessToken }).op("SetUserRole", { userId: teacher.user.id, role: "INSTRUCTOR" }), "setUserRole");
  const teach = new GraphQLClient(url, { token: teacher.accessToken });
  const courses = [];
  for (let i = 1; i <= COURSES; i++) courses.push(await publishedCourse(teach, `Scale course ${i}`, { lessons: LESSONS, tags: ["scale"] }));
  for (let i = 1; i <= MATERIALS; i++) {
    succeeded(await teach.op("CreateReadingMaterial", { input: { title: `Scale digest ${i}`, kind: "GK_DIGEST", topic: "polity", body: `Digest ${i}` } }), "material");
  }
  const test = await publishedTest(teach, [{ correctOption: 0 }, { correctOption: 1 }, { correctOption: 2 }], { title: "Scale mock", courseId: courses[0].id });
  const students: { accessToken: string }[] = [];
  for (let i = 0; i < Math.max(TEST_TAKERS, STUDENTS); i += 5) {
    // Five at a time: registering is a password hash each.
    const batch = await Promise.all(Array.from({ length: Math.min(5, Math.max(TEST_TAKERS, STUDENTS) - i) }, (_, j) => signUp(`Scale Student ${i + j + 1}`)));
    students.push(...batch);
  }
  for (const [i, student] of students.slice(0, TEST_TAKERS).entries()) {
    await sit(new GraphQLClient(url, { token: student.accessToken }), test.id, test.questionIds, [0, i % 2, i % 3 === 0 ? 2 : null]);
  }
  return { courses: courses as { id: string; slug: string }[], testId: test.id, students };
}

interface Sample {
  at: number;
  host: { busy: number; steal: number };
  gateways: number;
  subgraphs: number;
  balancers: number;
  load: number;
  /** The platform database's backends (their process titles name it), and Redis. */
  postgres: Map<number, number>;
  redis: Map<number, number>;
}

interface Round {
  gateways: 1 | 2;
  seconds: number;
  result: LoadResult;
  /** Cores used over the round. */
  cores: { host: number; steal: number; gateways: number; subgraphs: number; balancers: number; load: number; postgres: number; redis: number };
  gatewayCpuMs: number;
  subgraphsCpuMs: number;
  /** Requests each gateway was sent (from the balancer's counts). */
  split: number[];
  /** 502s the balancer counted meanwhile (and in the second after). */
  balancerBadGateway: number;
}

async function throughput(platform: ReplicatedPlatform, fixtures: Fixtures, loadChild: ChildProcess) {
  const { gateways } = platform;
  const second = await platform.addReplica(gateways);
  const origins = gateways.replicas.map((replica) => new URL(replica.url).origin);
  const gatewayPids = gateways.replicas.map((replica) => replica.child.pid!);
  const subgraphPids = platform.subgraphs.flatMap((set) => set.replicas.map((replica) => replica.child.pid!));
  const balancerPids = [gateways, ...platform.subgraphs].map((set) => set.balancer.pid);
  const database = new URL(platform.env.DATABASE_URL!).pathname.slice(1);
  const rotation = async (count: 1 | 2) => {
    const origin = new URL(second.url).origin;
    if (count === 1) await gateways.balancer.remove(origin);
    else if (!(await gateways.balancer.ready()).includes(origin)) {
      await gateways.balancer.add(origin);
      for (let i = 0; !(await gateways.balancer.ready()).includes(origin); i++) {
        if (i > 100) throw new Error("the second gateway did not come back into rotation");
        await sleep(50);
      }
    }
  };
  const sample = (): Sample => ({
    at: Date.now(),
    host: hostCpuSeconds(),
    gateways: sum(gatewayPids.map(processCpuSeconds)),
    subgraphs: sum(subgraphPids.map(processCpuSeconds)),
    balancers: sum(balancerPids.map(processCpuSeconds)),
    load: processCpuSeconds(loadChild.pid!),
    postgres: cpuByCommand((line) => line.startsWith("postgres: ") && line.includes(` ${database} `)),
    redis: cpuByCommand((line) => line.startsWith("redis-server")),
  });
  const load = (seconds: number) =>
    new Promise<LoadResult>((resolve) => {
      loadChild.once("message", (answer) => resolve(answer as LoadResult));
      loadChild.send({ url: platform.url, connections: CONNECTIONS, seconds, fixtures } satisfies LoadRequest);
    });
  const round = async (count: 1 | 2, seconds: number): Promise<Round> => {
    await rotation(count);
    const statsBefore = await gateways.balancer.stats();
    const servedBefore = origins.map((origin) => statsBefore.served[origin] ?? 0);
    const before = sample();
    const badGatewayBefore = statsBefore.badGateway;
    const result = await load(seconds);
    const after = sample();
    // Requests autocannon left in flight at the round's end, failed later at the balancer, are no answer any client saw.
    await sleep(1_000);
    const statsAfter = await gateways.balancer.stats();
    const balancerBadGateway = statsAfter.badGateway - badGatewayBefore;
    const elapsed = (after.at - before.at) / 1000;
    if (result.wrong) throw new Error(`${count} gateway(s): ${result.wrong} wrong answers, the first: ${result.firstWrong}`);
    const served = result.total - result.shed - result.badGateway;
    return {
      gateways: count,
      seconds,
      result,
      cores: {
        host: (after.host.busy - before.host.busy) / elapsed,
        steal: (after.host.steal - before.host.steal) / elapsed,
        gateways: (after.gateways - before.gateways) / elapsed,
        subgraphs: (after.subgraphs - before.subgraphs) / elapsed,
        balancers: (after.balancers - before.balancers) / elapsed,
        load: (after.load - before.load) / elapsed,
        postgres: cpuBetween(before.postgres, after.postgres) / elapsed,
        redis: cpuBetween(before.redis, after.redis) / elapsed,
      },
      gatewayCpuMs: ((after.gateways - before.gateways) * 1000) / served,
      subgraphsCpuMs: ((after.subgraphs - before.subgraphs) * 1000) / served,
      split: origins.map((origin, index) => (statsAfter.served[origin] ?? 0) - servedBefore[index]),
      balancerBadGateway,
    };
  };

  console.log(
    `\n(a) requests/s of the query mix through the gateways' balancer, ${CONNECTIONS} connections; ${PAIRS} pairs of ${SECONDS} s rounds, order alternating, after ${WARM_UP_SECONDS} s of warm-up with each`,
  );
  await round(1, WARM_UP_SECONDS);
  await round(2, WARM_UP_SECONDS);
  console.log(
    "round  gateways       rps   p50 ms   p99 ms   gateway CPU  subgraphs CPU (ms/req)   cores busy: host (steal)  gateways  subgraphs  balancers  load gen.  Postgres  Redis  other   split   shed  502",
  );
  const rounds: Round[] = [];
  for (let pair = 0; pair < PAIRS; pair++) {
    const order: (1 | 2)[] = pair % 2 ? [2, 1] : [1, 2];
    for (const count of order) {
      const measured = await round(count, SECONDS);
      rounds.push(measured);
      const { result, cores } = measured;
      const rest = cores.host - cores.gateways - cores.subgraphs - cores.balancers - cores.load - cores.postgres - cores.redis;
      console.log(
        `${String(rounds.length).padStart(5)}  ${String(count).padStart(8)}  ${fixed((result.total - result.shed - result.badGateway) / SECONDS)} ${fixed(result.p50, 1)} ${fixed(result.p99, 1)}      ${fixed(measured.gatewayCpuMs, 2)}       ${fixed(measured.subgraphsCpuMs, 2)}            ${fixed(cores.host, 2)} (${cores.steal.toFixed(2)})  ${fixed(cores.gateways, 2)}   ${fixed(cores.subgraphs, 2)}   ${fixed(cores.balancers, 2)}   ${fixed(cores.load, 2)}  ${fixed(cores.postgres, 2)} ${cores.redis.toFixed(2).padStart(6)} ${rest.toFixed(2).padStart(6)}  ${measured.split.map((n) => (n / (sum(measured.split) || 1)).toFixed(2)).join("/")} ${String(result.shed).padStart(6)} ${String(result.badGateway).padStart(4)}${measured.balancerBadGateway ? ` (balancer: ${measured.balancerBadGateway})` : ""}`,
      );
    }
  }
  console.log(
    "cores busy: of the host's, from /proc (balancers: their processes; Postgres: the platform database's backends; other: the rest of the host, other processes and the kernel); split: the requests each gateway was sent",
  );
  const of = (count: 1 | 2) => rounds.filter((each) => each.gateways === count);
  const rps = (each: Round) => (each.result.total - each.result.shed - each.result.badGateway) / each.seconds;
  const pairRatios = Array.from({ length: PAIRS }, (_, pair) => rps(of(2)[pair]) / rps(of(1)[pair]));
  const summary = (count: 1 | 2) => {
    const all = of(count);
    return {
      rps: median(all.map(rps)),
      p50: median(all.map((each) => each.result.p50)),
      p99: median(all.map((each) => each.result.p99)),
      gatewayCpuMs: median(all.map((each) => each.gatewayCpuMs)),
      gatewayCores: median(all.map((each) => each.cores.gateways)),
      hostCores: median(all.map((each) => each.cores.host)),
      shed: sum(all.map((each) => each.result.shed)),
      badGateway: sum(all.map((each) => each.result.badGateway)),
    };
  };
  const one = summary(1);
  const two = summary(2);
  for (const [name, row] of [
    ["one gateway ", one],
    ["two gateways", two],
  ] as const) {
    console.log(
      `median, ${name}: ${row.rps.toFixed(0)} requests/s, p50 ${row.p50.toFixed(1)} ms, p99 ${row.p99.toFixed(1)} ms, ${row.gatewayCpuMs.toFixed(2)} ms of gateway CPU a request, gateways ${row.gatewayCores.toFixed(2)} cores, host ${row.hostCores.toFixed(2)} of ${os.cpus().length} cores busy; ${row.shed} shed (503), ${row.badGateway} bad gateway (502)`,
    );
  }
  console.log(
    `two gateways / one: ×${(two.rps / one.rps).toFixed(2)} requests/s (medians), pairs ×${pairRatios.map((ratio) => ratio.toFixed(2)).join(", ×")}; p99 ×${(two.p99 / one.p99).toFixed(2)}`,
  );
  const cores = os.cpus().length;
  console.log(
    `the host had ${cores} cores busy ${((100 * one.hostCores) / cores).toFixed(0)}% (one gateway) and ${((100 * two.hostCores) / cores).toFixed(0)}% (two) of the time: a second gateway process adds requests/s only where there are cores to run it; derived, not measured: at ${one.gatewayCpuMs.toFixed(2)} ms of CPU a request, a gateway process with a core of its own would serve about ${(1000 / one.gatewayCpuMs).toFixed(0)} requests/s`,
  );
  const gatewayStats = await gateways.balancer.stats();
  const subgraphStats = await Promise.all(platform.subgraphs.map((set) => set.balancer.stats()));
  console.log(
    `balancer: ${gatewayStats.badGateway} bad gateway, ${gatewayStats.noBackend} without a backend; subgraph balancers: ${sum(subgraphStats.map((stats) => stats.badGateway))} bad gateway, ${sum(subgraphStats.map((stats) => stats.noBackend))} without a backend`,
  );
  return { one, two, pairRatios };
}

interface Student {
  token: string;
  sessionId: string;
}

type WorkerMessage = { open: number[] } | "live" | "count" | "reset" | "report" | "stats";

interface WorkerStats {
  failed: number;
  errors: number;
  closed: Record<string, number>;
  firstFailure?: string;
}

/**
 * A child process holding subscribers: subscriber `i` is student `i % students`, subscribed to
 * their session. Opens what it is told to in batches, each socket signed in before the next batch.
 */
function subscriberWorker() {
  process.on("disconnect", () => process.exit(0));
  // graphql-ws reports each closed socket of a client that is not lazy on console.error; the worker counts them instead.
  console.error = () => {};
  const students = JSON.parse(process.env.SCALE_STUDENTS_JSON!) as Student[];
  const query = contractOperation("StudySessionUpdated");
  const received = new Map<number, number[]>();
  const clients: LiveClient[] = [];
  const stats: WorkerStats = { failed: 0, errors: 0, closed: {} };
  const open = async (index: number) => {
    const student = students[index % students.length];
    const live = connect(process.env.SCALE_WS!, { authorization: `Bearer ${student.token}` });
    clients.push(live);
    const times: number[] = [];
    received.set(index, times);
    void live.closed.then(({ code }) => (stats.closed[code] = (stats.closed[code] ?? 0) + 1));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("not signed in within 10 s")), 10_000);
      live.client.on("connected", () => {
        clearTimeout(timer);
        resolve();
      });
      void live.closed.then(({ code, reason }) => {
        clearTimeout(timer);
        reject(new Error(`closed ${code} ${reason}`));
      });
    });
    live.client.subscribe(
      { query, variables: { sessionId: student.sessionId } },
      {
        next: (value) => {
          times.push(Date.now());
          if (value.errors) stats.errors += 1;
        },
        error: (error) => {
          stats.errors += 1;
          stats.firstFailure ??= JSON.stringify(error).slice(0, 300);
        },
        complete: () => {},
      },
    );
  };
  process.on("message", (message: WorkerMessage) => {
    void (async () => {
      if (typeof message === "object") {
        for (let i = 0; i < message.open.length; i += 100) {
          for (const settled of await Promise.allSettled(message.open.slice(i, i + 100).map(open))) {
            if (settled.status === "rejected") {
              stats.failed += 1;
              stats.firstFailure ??= String(settled.reason);
            }
          }
        }
        process.send!("opened");
      } else if (message === "live") process.send!([...received.values()].filter((times) => times.length > 0).length);
      else if (message === "count") process.send!(sum([...received.values()].map((times) => times.length)));
      else if (message === "reset") {
        for (const times of received.values()) times.length = 0;
        process.send!("done");
      } else if (message === "report") process.send!([...received.entries()]);
      else process.send!(stats);
    })();
  });
  process.send!("ready");
}

interface Step {
  subscribers: number;
  openSeconds: number;
  rssMiB: number;
  idleCores: number;
  delivered: number;
  expected: number;
  p50: number;
  p99: number;
  max: number;
  cpuUsPerMessage: number;
  busyCores: number;
  /** Cores the subscribers' client processes, and the whole host, were busy meanwhile. */
  clientCores: number;
  hostCores: number;
}

async function subscribers(platform: ReplicatedPlatform, students: Student[]) {
  const { env } = platform;
  const bus = await createEventBus({
    redisUrl: env.REDIS_URL || undefined,
    databaseUrl: env.DATABASE_URL!,
    namespace: env.EVENT_BUS_NAMESPACE,
    logger: createLogger("bench"),
  });
  const publisher = livePublisher(["studySessionUpdated"], bus, createLogger("bench"));
  try {
    return await ramp(platform, students, publisher);
  } finally {
    await bus.close();
  }
}

async function ramp(platform: ReplicatedPlatform, students: Student[], publisher: ReturnType<typeof livePublisher>) {
  // A gateway of its own for the sockets, fresh and out of the balancer's rotation: the mutations go through the others.
  const holder = await platform.addReplica(platform.gateways);
  await platform.gateways.balancer.remove(new URL(holder.url).origin);
  const pid = holder.child.pid!;
  await sleep(2_000);
  const idleRss = processRssMiB(pid);
  const clients = students.map((student) => new GraphQLClient(platform.url, { token: student.token }));
  let progress = 0;
  let retried = 0;
  /** One event: student `s` records progress; a 503 (a gateway at capacity) is sent again after its Retry-After. */
  const record = async (s: number) => {
    for (let attempt = 0; ; attempt++) {
      const response = await clients[s].op("RecordStudyProgress", {
        sessionId: students[s].sessionId,
        input: { progressPercent: Math.min(100, ++progress), addFocusSeconds: 0 },
      });
      if (response.status === 503 && attempt < 5) {
        retried += 1;
        await sleep(1_000 * Number(response.headers.get("retry-after") ?? 1));
        continue;
      }
      succeeded(response, "recordStudyProgress");
      return;
    }
  };
  /** One event for each student, spread over a second. */
  const everyStudent = async () => {
    const pending = [];
    for (let s = 0; s < students.length; s++) {
      pending.push(record(s));
      await sleep(1_000 / students.length);
    }
    await Promise.all(pending);
  };

  const workers = Array.from({ length: WORKERS }, () =>
    fork(__filename, ["subscribers"], { env: { ...process.env, SCALE_WS: holder.url.replace("http", "ws"), SCALE_STUDENTS_JSON: JSON.stringify(students) } }),
  );
  const ask = <T>(child: ChildProcess, message: WorkerMessage) =>
    new Promise<T>((resolve) => {
      child.once("message", (answer) => resolve(answer as T));
      child.send(message);
    });
  await Promise.all(workers.map((child) => new Promise((resolve) => child.once("message", resolve))));
  const liveCount = async () => sum(await Promise.all(workers.map((child) => ask<number>(child, "live"))));

  console.log(
    `\n(b) StudySessionUpdated subscribers on one gateway process (fresh, out of the balancer's rotation), in ${WORKERS} client processes; ${STUDENTS} students, their subscribers spread evenly; at each step, RecordStudyProgress through the other gateways until every subscriber has had an event, then ${STEP_SECONDS} s of an event a second for each student published on the bus as assessments does: each event one lookup, fanned out to its student's subscribers; latency from the publish to the message received; the gateway's RSS idle: ${idleRss.toFixed(0)} MiB`,
  );
  console.log(
    "subscribers  opened in s  delivered/expected   p50 ms   p99 ms   max ms   gateway: RSS MiB  KiB/subscriber  CPU µs/message  cores busy  cores idle with sockets   cores busy: clients  host",
  );
  const steps: Step[] = [];
  const deadline = Date.now() + LIVE_MINUTES * 60_000;
  let opened = 0;
  let stopped = "";
  for (const target of SUBSCRIBERS) {
    if (Date.now() > deadline) {
      stopped = `stopped after ${LIVE_MINUTES} minutes (SCALE_LIVE_MINUTES)`;
      break;
    }
    const openStarted = Date.now();
    const indices = Array.from({ length: target - opened }, (_, i) => opened + i);
    await Promise.all(workers.map((child, w) => ask(child, { open: indices.filter((index) => index % WORKERS === w) })));
    const openSeconds = (Date.now() - openStarted) / 1000;
    const failures = await Promise.all(workers.map((child) => ask<WorkerStats>(child, "stats")));
    if (sum(failures.map((each) => each.failed))) {
      stopped = `${sum(failures.map((each) => each.failed))} of ${target} subscribers could not connect (${failures.find((each) => each.firstFailure)?.firstFailure})`;
      break;
    }
    opened = target;
    // graphql-ws does not acknowledge a subscription: an event each until every subscriber has had one.
    for (let attempt = 0; ; attempt++) {
      await everyStudent();
      await sleep(1_000);
      if ((await liveCount()) === target) break;
      if (attempt > 15) throw new Error(`only ${await liveCount()} of ${target} subscribers receive events`);
    }
    await sleep(1_000);
    await Promise.all(workers.map((child) => ask(child, "reset")));
    const idleStart = { cpu: processCpuSeconds(pid), at: Date.now() };
    await sleep(3_000);
    const idleCores = (processCpuSeconds(pid) - idleStart.cpu) / ((Date.now() - idleStart.at) / 1000);
    const rssMiB = processRssMiB(pid);

    // STUDENTS events a second, one student after another, each due at its time (open loop).
    const sentAt: number[][] = students.map(() => []);
    const pending: Promise<void>[] = [];
    const cpuBefore = processCpuSeconds(pid);
    const clientsBefore = sum(workers.map((child) => processCpuSeconds(child.pid!)));
    const hostBefore = hostCpuSeconds().busy;
    const started = Date.now();
    for (let k = 0; k < STEP_SECONDS * STUDENTS; k++) {
      await sleep(Math.max(0, started + (k * 1000) / STUDENTS - Date.now()));
      const s = k % STUDENTS;
      sentAt[s].push(Date.now());
      pending.push(publisher.publish("studySessionUpdated", { sessionId: students[s].sessionId }));
    }
    await Promise.all(pending);
    // The last events' deliveries are in the CPU counted; the rest of the wait, for stragglers, is not.
    await sleep(500);
    const busySeconds = (Date.now() - started) / 1000;
    const cpuSeconds = processCpuSeconds(pid) - cpuBefore;
    const clientCores = (sum(workers.map((child) => processCpuSeconds(child.pid!))) - clientsBefore) / busySeconds;
    const hostCores = (hostCpuSeconds().busy - hostBefore) / busySeconds;
    // Late messages count, with their latency, until none has arrived for 2 s (at most 30 s).
    for (let last = -1, waited = 0; waited < 30_000; waited += 2_000) {
      await sleep(2_000);
      const count = sum(await Promise.all(workers.map((child) => ask<number>(child, "count"))));
      if (count === last || count === target * STEP_SECONDS) break;
      last = count;
    }

    const reports = (await Promise.all(workers.map((child) => ask<[number, number[]][]>(child, "report")))).flat();
    const latencies: number[] = [];
    let delivered = 0;
    for (const [index, times] of reports) {
      delivered += times.length;
      const sent = sentAt[index % STUDENTS];
      times.forEach((at, k) => k < sent.length && latencies.push(at - sent[k]));
    }
    latencies.sort((a, b) => a - b);
    const step: Step = {
      subscribers: target,
      openSeconds,
      rssMiB,
      idleCores,
      delivered,
      expected: target * STEP_SECONDS,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? Number.NaN,
      cpuUsPerMessage: (cpuSeconds * 1e6) / delivered,
      busyCores: cpuSeconds / busySeconds,
      clientCores,
      hostCores,
    };
    steps.push(step);
    console.log(
      `${String(target).padStart(11)}  ${fixed(openSeconds, 1).padStart(11)}  ${`${delivered}/${step.expected}`.padStart(18)} ${fixed(step.p50)} ${fixed(step.p99)} ${fixed(step.max)}           ${fixed(rssMiB)}        ${fixed(((rssMiB - idleRss) * 1024) / target)}        ${fixed(step.cpuUsPerMessage)}    ${fixed(step.busyCores, 2)}        ${fixed(idleCores, 3)}                  ${fixed(step.clientCores, 2)} ${fixed(step.hostCores, 2)}`,
    );
    if (delivered < step.expected) {
      stopped = `stopped: ${step.expected - delivered} messages not delivered (none arrived in the last 2 s of waiting)`;
      break;
    }
    if (step.p99 > 2_000) {
      stopped = "stopped: p99 above 2 s";
      break;
    }
  }
  const stats = await Promise.all(workers.map((child) => ask<WorkerStats>(child, "stats")));
  const closed: Record<string, number> = {};
  for (const each of stats) for (const [code, count] of Object.entries(each.closed)) closed[code] = (closed[code] ?? 0) + count;
  for (const child of workers) child.kill();
  if (stopped) console.log(stopped);
  if (retried) console.log(`mutations sent again after a 503 (a gateway at capacity): ${retried}`);
  // An event whose lookup failed is skipped for its whole group: the holding gateway logs why.
  const skipped = holder
    .output()
    .split("\n")
    .filter((line) => line.includes("live update skipped"));
  if (skipped.length) console.log(`the holding gateway skipped ${skipped.length} events whose lookup failed; the first: ${skipped[0].slice(0, 400)}`);
  if (Object.keys(closed).length || sum(stats.map((each) => each.errors)))
    console.log(`sockets closed by the server: ${JSON.stringify(closed)}; subscription errors: ${sum(stats.map((each) => each.errors))}`);
  const within = steps.filter((step) => step.p99 <= P99_LIMIT_MS && step.delivered === step.expected).at(-1);
  const last = steps.at(-1);
  const slope =
    steps.length > 1
      ? ((steps[steps.length - 1].rssMiB - steps[steps.length - 2].rssMiB) * 1024) / (steps[steps.length - 1].subscribers - steps[steps.length - 2].subscribers)
      : Number.NaN;
  console.log(
    within
      ? `one gateway process held ${within.subscribers} subscribers with every message delivered and p99 ${within.p99} ms (under ${P99_LIMIT_MS} ms, SCALE_P99_LIMIT_MS); ${within.cpuUsPerMessage.toFixed(0)} µs of its CPU per message delivered`
      : `no step had p99 under ${P99_LIMIT_MS} ms`,
  );
  if (last && steps.length > 1)
    console.log(
      `resident memory: ${slope.toFixed(0)} KiB per subscriber between the last two steps, ${(((last.rssMiB - idleRss) * 1024) / last.subscribers).toFixed(0)} KiB from idle`,
    );
  return { steps, within, idleRss, slope };
}

/** The most connections the platform's database had open at once, sampled every 500 ms until stopped, and the server's limit. */
async function connectionPeak(databaseUrl: string): Promise<{ peak(): number; limit: number; stop(): Promise<void> }> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const limit = Number((await client.query<{ max_connections: string }>("show max_connections")).rows[0].max_connections);
  let peak = 0;
  const timer = setInterval(() => {
    void client
      .query<{ count: string }>("select count(*) from pg_stat_activity where datname = current_database()")
      .then((result) => (peak = Math.max(peak, Number(result.rows[0].count))))
      .catch(() => undefined);
  }, 500);
  return {
    peak: () => peak,
    limit,
    async stop() {
      clearInterval(timer);
      await client.end();
    },
  };
}

async function main() {
  process.env.TEST_DATABASE_URL ??= process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const started = Date.now();
  const adminEmail = uniqueEmail("scale-admin");
  console.log(
    `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, ${os.cpus().length} × ${os.cpus()[0]?.model}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load average ${os
      .loadavg()
      .map((value) => value.toFixed(2))
      .join(" ")}`,
  );
  console.log(
    `SCALE_REPLICAS=${REPLICAS} SCALE_CONNECTIONS=${CONNECTIONS} SCALE_SECONDS=${SECONDS} SCALE_WARM_UP_SECONDS=${WARM_UP_SECONDS} SCALE_PAIRS=${PAIRS} SCALE_SUBSCRIBERS=${SUBSCRIBERS.join(",")} SCALE_STUDENTS=${STUDENTS} SCALE_STEP_SECONDS=${STEP_SECONDS} SCALE_P99_LIMIT_MS=${P99_LIMIT_MS} SCALE_WORKERS=${WORKERS} SCALE_LIVE_MINUTES=${LIVE_MINUTES} SCALE_RESPONSE_CACHE=${RESPONSE_CACHE}`,
  );
  const platform = await startReplicatedPlatform({
    gateways: 1,
    replicas: REPLICAS,
    env: {
      ADMIN_EMAILS: adminEmail,
      // One client sending as fast as it can, and thousands of sockets from one address: no limit of those in the way.
      RATE_LIMIT_ANONYMOUS: "1000000",
      RATE_LIMIT_USER: "1000000",
      RATE_LIMIT_API_KEY: "1000000",
      MAX_UNAUTHENTICATED_SOCKETS_PER_IP: "1000000",
      RESPONSE_CACHE,
      LOG_LEVEL: "warn",
    },
  });
  const loadChild = fork(__filename, ["load"]);
  try {
    console.log(
      `platform: ${platform.subgraphs.map((set) => set.name).join(", ")} × ${REPLICAS} each and the gateways, processes behind round-robin balancers (processes of their own) following /ready; event bus: ${process.env.REDIS_URL ? "Redis" : "Postgres"}; response cache ${RESPONSE_CACHE === "0" || RESPONSE_CACHE === "false" ? "off" : "on"}; admission control at its defaults (MAX_IN_FLIGHT_REQUESTS 64 a gateway); started in ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
    const seeded = await seed(platform.url, adminEmail);
    const fixtures: Fixtures = {
      slugs: seeded.courses.map((course) => course.slug),
      testId: seeded.testId,
      tokens: seeded.students.slice(0, TEST_TAKERS).map((student) => student.accessToken),
    };
    console.log(
      `seeded in ${((Date.now() - started) / 1000).toFixed(0)} s: ${COURSES} courses of ${LESSONS} lessons, ${MATERIALS} reading materials, a mock test sat by ${TEST_TAKERS} students; the mix: 3/10 one subgraph (course, lessons, materials) anonymous, 2/10 the same signed in (${TEST_TAKERS} readers), 3/10 two fetches (leaderboard with users), 2/10 three levels across three subgraphs (tests, course, author); page sizes 1 to ${MATERIALS}`,
    );

    const connections = await connectionPeak(platform.env.DATABASE_URL!);
    await throughput(platform, fixtures, loadChild);
    console.log(`Postgres: at most ${connections.peak()} connections to the platform's database at once (the server allows ${connections.limit} in all)`);

    const live: Student[] = [];
    for (const student of seeded.students.slice(0, STUDENTS)) {
      const client = new GraphQLClient(platform.url, { token: student.accessToken });
      const session = succeeded(await client.op("StartStudySession", { input: { courseId: seeded.courses[live.length % COURSES].id } }), "startStudySession");
      live.push({ token: student.accessToken, sessionId: session.startStudySession.id });
    }
    await subscribers(platform, live);
    await connections.stop();
    console.log(`\nthe whole run: ${((Date.now() - started) / 60_000).toFixed(1)} minutes`);
  } finally {
    loadChild.kill();
    await platform.close();
  }
}

if (process.argv[2] === "load") loadGenerator();
else if (process.argv[2] === "subscribers") subscriberWorker();
else
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );

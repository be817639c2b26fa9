import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { SoloClient } from "@solo/client";
import { StudySessionUpdatedDocument, createSoloClient } from "@solo/client";
import WebSocket from "ws";
import type { ReplicatedPlatform } from "../src/replicated-platform";
import { startReplicatedPlatform } from "../src/replicated-platform";
import { GraphQLClient, PASSWORD, VERIFY_EMAIL, mailTo, uniqueEmail } from "../src/stack";

const STUDENTS = 20;
const SUBSCRIBERS = 200;
/**
 * The load's pace, each stream one request after another: 4 query streams every 400 ms, a lesson
 * write every 400 ms, each student's progress every 2 s (22.5 requests a second, 100 live messages).
 * It leaves headroom, as a cluster's autoscaler would (it adds pods above 70% CPU): this 2-core
 * host was 50-60% busy under it between restarts. At four times the pace the host was 100% busy
 * before any restart and every stream fell behind, which made it an overload test
 * (overload.test.ts's subject) whose queueing, not the restarts, set the latencies.
 */
const QUERY_STREAMS = 4;
const QUERY_EVERY_MS = 400;
const WRITE_EVERY_MS = 400;
const PROGRESS_EVERY_MS = 2_000;
/** A stream that kept to its pace made at least this share of the requests it would at full pace. */
const STEADY_SHARE = 0.75;

/** One live subscriber: a client of its own (its own socket), and when things happened to it. */
interface Subscriber {
  client: SoloClient;
  sessionId: string;
  events: { at: number; focusSeconds: number }[];
  closes: { at: number; code: number | undefined }[];
  connects: { at: number; reconnected: boolean }[];
  /** Each socket the client made, when, and when its upgrade was answered. */
  sockets: { at: number; openedAt?: number }[];
  errors: unknown[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** The value below which `share` of `values` lie (1: the largest). */
function quantiles(values: number[]): (share: number) => number {
  const sorted = [...values].sort((a, b) => a - b);
  return (share) => sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))];
}

/** Each step's errors in full when it fails: a bare null says nothing about which service refused. */
function succeeded(response: { data?: any; errors?: unknown[] }): any {
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data;
}

/**
 * Issue 16, point 3. Two gateways and two replicas of every subgraph of rover.yaml, each set behind
 * a load balancer that follows /ready (as a Kubernetes Service follows its endpoints), under steady
 * mixed load: queries, mutations whose every acknowledged write is checked afterwards, and 200 live
 * subscribers. Then every process is restarted, one at a time, as the manifests' rolling update
 * does it: its replacement ready, SIGTERM to it, its exit, the next.
 */
describe("a rolling restart of every process", () => {
  let platform: ReplicatedPlatform | undefined;
  const subscribers: Subscriber[] = [];
  after(async () => {
    await Promise.allSettled(subscribers.map((subscriber) => subscriber.client.close()));
    await platform?.close();
  });

  /** How long each subscriber a restart moved took to be connected again (ms), for the test after this one. */
  const gaps: number[] = [];

  it("drops no request, loses or doubles no write, and every subscriber reconnects, resubscribes and hears events", { timeout: 600_000 }, async (t) => {
    const adminEmail = uniqueEmail("rolling-admin");
    platform = await startReplicatedPlatform({
      gateways: 2,
      replicas: 2,
      env: {
        ADMIN_EMAILS: adminEmail,
        RATE_LIMIT_ANONYMOUS: "1000000",
        RATE_LIMIT_USER: "1000000",
        // All 200 subscribers come from this one address; those a restart moves are signing in at once.
        MAX_UNAUTHENTICATED_SOCKETS_PER_IP: "1000",
        // Every query reaches the subgraphs being restarted, not the gateways' cache.
        RESPONSE_CACHE: "0",
        // Twelve services and the test's 200 clients share this host's 2 cores, where a cluster gives
        // each its own: a replacement's start-up (~2 CPU-seconds) would read as overload next to it,
        // and be shed. Shedding is overload.test.ts's subject; here, only restarts may fail a request.
        MAX_EVENT_LOOP_UTILIZATION: "1",
        MAX_QUEUE_WAIT_MS: "10000",
        SUBGRAPH_MAX_EVENT_LOOP_UTILIZATION: "1",
        SUBGRAPH_MAX_QUEUE_WAIT_MS: "10000",
      },
    });
    const url = platform.url;
    const anonymous = new GraphQLClient(url);

    // An admin makes an instructor, who publishes a course; students each start a study session.
    const signUp = async (displayName: string, email = uniqueEmail("rolling")) =>
      succeeded(await anonymous.op("Register", { input: { email, password: PASSWORD, displayName } })).register as {
        accessToken: string;
        refreshToken: string;
        user: { id: string };
      };
    await signUp("Admin", adminEmail);
    const { token } = await mailTo({ origin: new URL(url).origin }, adminEmail, /Confirm your email/);
    succeeded(await anonymous.request(VERIFY_EMAIL, { token }));
    const admin = succeeded(await anonymous.op("Login", { email: adminEmail, password: PASSWORD })).login as { accessToken: string };
    const teacher = await signUp("Teacher");
    succeeded(await new GraphQLClient(url, { token: admin.accessToken }).op("SetUserRole", { userId: teacher.user.id, role: "INSTRUCTOR" }));
    const teach = new GraphQLClient(url, { token: teacher.accessToken });
    const course = succeeded(await teach.op("CreateCourse", { input: { title: "Rolling", description: "x", level: "BEGINNER" } })).createCourse as {
      id: string;
      slug: string;
    };
    succeeded(await teach.op("AddLesson", { courseId: course.id, input: { title: "First", body: "b", durationMinutes: 5 } }));
    succeeded(await teach.op("PublishCourse", { id: course.id }));
    const students: (Awaited<ReturnType<typeof signUp>> & { client: GraphQLClient; sessionId: string; acknowledgedSeconds: number })[] = [];
    // A few at a time: twenty password hashes at once would be an overload of their own (503, as it should).
    for (let index = 0; index < STUDENTS; index += 4) {
      const batch = await Promise.all(
        Array.from({ length: 4 }, async (_, offset) => {
          const student = await signUp(`Student ${index + offset}`);
          const client = new GraphQLClient(url, { token: student.accessToken });
          const sessionId = succeeded(await client.op("StartStudySession", { input: { courseId: course.id } })).startStudySession.id as string;
          return { ...student, client, sessionId, acknowledgedSeconds: 0 };
        }),
      );
      students.push(...batch);
    }

    // 200 subscribers, through the balancer, with the client package (it reconnects and resubscribes).
    for (let index = 0; index < SUBSCRIBERS; index++) {
      const student = students[index % STUDENTS];
      const subscriber: Subscriber = {
        client: undefined as unknown as SoloClient,
        sessionId: student.sessionId,
        events: [],
        closes: [],
        connects: [],
        sockets: [],
        errors: [],
      };
      // ws, noting when each socket was made and opened: where a slow reconnect spent its time.
      class TimedWebSocket extends WebSocket {
        constructor(...args: ConstructorParameters<typeof WebSocket>) {
          super(...args);
          const socket: Subscriber["sockets"][number] = { at: Date.now() };
          subscriber.sockets.push(socket);
          this.once("open", () => (socket.openedAt = Date.now()));
        }
      }
      subscriber.client = createSoloClient({
        url,
        tokens: { accessToken: student.accessToken, refreshToken: student.refreshToken },
        live: {
          WebSocket: TimedWebSocket,
          onConnected: (reconnected) => subscriber.connects.push({ at: Date.now(), reconnected }),
          onClosed: (code) => subscriber.closes.push({ at: Date.now(), code }),
        },
      });
      subscriber.client.subscribe(
        StudySessionUpdatedDocument,
        { sessionId: student.sessionId },
        {
          next: (data) => subscriber.events.push({ at: Date.now(), focusSeconds: data.studySessionUpdated.focusSeconds }),
          error: (error) => subscriber.errors.push(error),
        },
      );
      subscribers.push(subscriber);
    }
    await until("every subscriber to connect", () => subscribers.every((subscriber) => subscriber.connects.length === 1), 30_000);

    // The load, until stopped: every request's failure is kept, whatever it was.
    const failures: string[] = [];
    const counts = { queries: 0, writes: 0, progress: 0 };
    let running = true;
    let restarting = "nothing";
    const attempt = async (what: string, send: () => Promise<{ status: number; data?: any; errors?: unknown[] }>) => {
      try {
        const response = await send();
        if (response.status !== 200 || response.errors) failures.push(`${what} (restarting ${restarting}): ${response.status} ${JSON.stringify(response.errors)}`);
        return response.status === 200 && !response.errors ? response.data : undefined;
      } catch (error) {
        failures.push(`${what} (restarting ${restarting}): ${(error as Error).message}`);
        return undefined;
      }
    };
    /** Steady, not as fast as possible: `send` once every `everyMs` (what a saturated 2-core host would shed is not the point here). */
    const paced = async (everyMs: number, send: () => Promise<void>) => {
      while (running) {
        const started = Date.now();
        await send();
        await sleep(Math.max(0, everyMs - (Date.now() - started)));
      }
    };
    const queryNames: [string, Record<string, unknown>][] = [
      ["CourseBySlug", { slug: course.slug }],
      ["Me", {}],
      ["StudyStats", {}],
      ["MyCourses", {}],
    ];
    const queries = Array.from({ length: QUERY_STREAMS }, async (_, worker) => {
      const student = students[worker];
      let round = worker;
      await paced(QUERY_EVERY_MS, async () => {
        const [name, variables] = queryNames[round++ % queryNames.length];
        const client = name === "CourseBySlug" ? anonymous : student.client;
        if (await attempt(name, () => client.op(name, variables))) counts.queries += 1;
      });
    });
    // Writes one after another (a lesson's position follows the ones before it): each acknowledged title once, later.
    const acknowledgedTitles: string[] = [];
    let lessonNumber = 0;
    const writes = paced(WRITE_EVERY_MS, async () => {
      const title = `Rolling lesson ${lessonNumber++}`;
      const data = await attempt("AddLesson", () => teach.op("AddLesson", { courseId: course.id, input: { title, body: "b", durationMinutes: 1 } }));
      if (data) acknowledgedTitles.push(title);
      counts.writes += 1;
    });
    // Each session's focus time grows by one second per acknowledged write (never faster than its clock), and each write is an event.
    const progress = students.map(async (student, index) => {
      await sleep((index * PROGRESS_EVERY_MS) / STUDENTS);
      await paced(PROGRESS_EVERY_MS, async () => {
        const data = await attempt("RecordStudyProgress", () =>
          student.client.op("RecordStudyProgress", { sessionId: student.sessionId, input: { progressPercent: 50, addFocusSeconds: 1 } }),
        );
        if (data) student.acknowledgedSeconds += 1;
        counts.progress += 1;
      });
    });
    const load = Promise.all([...queries, writes, ...progress]);
    const loadStarted = Date.now();

    try {
      await sleep(2_000);
      // Every subgraph's replicas, then the gateways: the replacement ready, SIGTERM, the exit, the next.
      const exits: { name: string; code: number | null }[] = [];
      for (const set of [...platform.subgraphs, platform.gateways]) {
        for (let index = 0; index < set.replicas.length; index++) {
          const name = set.replicas[index].name;
          restarting = name;
          exits.push({ name, code: await platform.restartReplica(set, index) });
          restarting = "nothing";
          await sleep(500);
        }
      }
      assert.deepEqual(
        exits.filter((exit) => exit.code !== 0),
        [],
        "every process drained and exited 0",
      );
      assert.equal(exits.length, 2 * (platform.subgraphs.length + 1));

      // After the last restart, every subscriber hears an event sent after it came back.
      const lastRestart = Date.now();
      const silent = () => subscribers.filter((subscriber) => !subscriber.events.some((event) => event.at > lastRestart));
      await until("an event at every subscriber after the last restart", () => silent().length === 0, 10_000).catch((error: Error) => {
        const first = silent()[0];
        throw new Error(
          `${error.message}: ${silent().length} silent; failures ${failures.length} (${failures.slice(0, 3).join("; ")}); one silent: ${JSON.stringify({ ...first, client: undefined, events: first?.events.slice(-3), lastRestart })}`,
        );
      });
    } finally {
      running = false;
      await load;
    }
    const loadSeconds = (Date.now() - loadStarted) / 1_000;

    assert.deepEqual(failures.slice(0, 20), [], `${failures.length} of ${counts.queries + counts.writes + counts.progress} requests failed (${JSON.stringify(counts)})`);
    for (const set of [...platform.subgraphs, platform.gateways]) {
      const { badGateway, noBackend, badGatewayDetails } = await set.balancer.stats();
      assert.deepEqual({ set: set.name, badGateway, noBackend }, { set: set.name, badGateway: 0, noBackend: 0 }, JSON.stringify(badGatewayDetails));
    }
    // The load was steady: every stream kept (nearly) to its pace through the restarts.
    const paceOf = { queries: (QUERY_STREAMS * 1_000) / QUERY_EVERY_MS, writes: 1_000 / WRITE_EVERY_MS, progress: (STUDENTS * 1_000) / PROGRESS_EVERY_MS };
    for (const stream of ["queries", "writes", "progress"] as const) {
      assert.ok(counts[stream] >= STEADY_SHARE * paceOf[stream] * loadSeconds, `${stream}: ${counts[stream]} in ${loadSeconds} s, at a pace of ${paceOf[stream]}/s`);
    }

    // Writes: every acknowledged lesson is there once, and nothing else is.
    const lessons = succeeded(await anonymous.op("CourseBySlug", { slug: course.slug })).course.lessons as { title: string }[];
    const written = lessons.map((lesson) => lesson.title).filter((title) => title.startsWith("Rolling lesson "));
    assert.deepEqual([...written].sort(), [...acknowledgedTitles].sort(), "each acknowledged lesson exactly once");
    // Each session's focus time is the sum of its acknowledged seconds: none lost, none counted twice.
    for (const student of students) {
      const ended = succeeded(await student.client.op("EndStudySession", { sessionId: student.sessionId })).endStudySession as { focusSeconds: number };
      assert.equal(ended.focusSeconds, student.acknowledgedSeconds, `session ${student.sessionId}`);
    }

    // Subscribers: each socket a gateway closed was closed with 1001 (going away), and was back within 2 s.
    /** Each reconnect in its parts: the client's wait, the upgrade's answer, connection_init's ack; and sockets made. */
    const phases = { wait: [] as number[], upgrade: [] as number[], init: [] as number[], attempts: [] as number[] };
    for (const subscriber of subscribers) {
      assert.deepEqual(subscriber.errors, []);
      assert.ok(
        subscriber.closes.every((close) => close.code === 1001),
        JSON.stringify(subscriber.closes),
      );
      for (const close of subscriber.closes) {
        const back = subscriber.connects.find((connect) => connect.reconnected && connect.at >= close.at);
        assert.ok(back, `a subscriber closed at ${close.at} never reconnected`);
        gaps.push(back.at - close.at);
        const socket = subscriber.sockets.find((made) => made.at >= close.at);
        if (socket?.openedAt !== undefined) {
          phases.wait.push(socket.at - close.at);
          phases.upgrade.push(socket.openedAt - socket.at);
          phases.init.push(back.at - socket.openedAt);
        }
        phases.attempts.push(subscriber.sockets.filter((made) => made.at >= close.at && made.at <= back.at).length);
      }
    }
    // Each gateway's restart moves its sockets to the others: every subscriber moved at least once.
    assert.ok(
      subscribers.every((subscriber) => subscriber.closes.length >= 1),
      "every subscriber was moved",
    );
    const spread = (values: number[]) => {
      const at = quantiles(values);
      return `p50 ${at(0.5)}, p90 ${at(0.9)}, max ${at(1)}`;
    };
    t.diagnostic(
      `in ${loadSeconds.toFixed(0)} s: ${counts.queries} queries, ${counts.writes} lesson writes, ${counts.progress} progress writes; ${gaps.length} reconnects (ms): ${spread(gaps)}; ` +
        `of which the client's wait ${spread(phases.wait)}, the upgrade ${spread(phases.upgrade)}, connection_init ${spread(phases.init)}; sockets per reconnect ${spread(phases.attempts)}`,
    );
  });

  // Most of a reconnect is the client's own jittered wait (0-0.5 s after a 1001); the upgrade and
  // connection_init take milliseconds on a gateway with headroom. Without it they do not: at four
  // times this load, and on a slower host 90% busy at this one, the slowest took 2-4 s, the upgrade
  // queued behind a busy event loop. The diagnostic above breaks each run's figures down.
  it("every subscriber is back within 2 s", () => {
    assert.ok(gaps.length > 0, "the restart above ran");
    const at = quantiles(gaps);
    assert.ok(at(1) < 2_000, `the slowest of ${gaps.length} reconnects took ${at(1)} ms (p50 ${at(0.5)}, p90 ${at(0.9)}, p99 ${at(0.99)})`);
  });
});

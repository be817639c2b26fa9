import assert from "node:assert/strict";
import crypto from "node:crypto";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { projectRoot, subscriptionTopic } from "@solo/kit";
import type { GatewayConfig } from "@solo/gateway";
import { publishedTest, sit } from "../src/assessment-fixtures";
import { publishedCourse, registerWithRole } from "../src/content-fixtures";
import { metricSum } from "../src/held-requests";
import { connect, subscribe } from "../src/live";
import type { GraphQLClient, GraphQLResponse, Stack } from "../src/stack";
import { contractOperation, register, startStack } from "../src/stack";

const cacheOn = (store: GatewayConfig["responseCache"]["store"]): GatewayConfig["responseCache"] => ({ enabled: true, maxEntries: 1_000, keyPrefix: "test:rc", store });
const sha256 = (text: string) => crypto.createHash("sha256").update(text).digest("hex");
const lessonTitles = (answer: GraphQLResponse) => (answer.data.course?.lessons ?? []).map((lesson: { title: string }) => lesson.title);

/** Reads until `done` holds of the answer, and says how long that took (ms) and what came last. */
async function readUntil(read: () => Promise<GraphQLResponse>, done: (answer: GraphQLResponse) => boolean, limitMs = 5_000) {
  const started = performance.now();
  for (;;) {
    const answer = await read();
    const elapsed = performance.now() - started;
    if (done(answer) || elapsed > limitMs) return { answer, elapsed };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A course page read as a client reads it; the answer's x-cache says where it came from. */
const coursePage = (client: GraphQLClient, slug: string) => client.op("CourseBySlug", { slug });

describe("the gateway's response cache", () => {
  let stack: Stack;
  let instructor: Awaited<ReturnType<typeof registerWithRole>>;
  before(async () => {
    stack = await startStack({
      gateway: {
        // Redis when the run has one (shared by replicas), memory otherwise: the deployment's default.
        responseCache: cacheOn(process.env.REDIS_URL ? "redis" : "memory"),
        trustedDocumentsPath: path.join(projectRoot(), "clients", "persisted-query-manifest.json"),
      },
    });
    instructor = await registerWithRole(stack, "INSTRUCTOR");
  });
  after(() => stack?.close());

  it("serves a repeated course page from the cache without a subgraph call, and shows a new lesson at once", async () => {
    const course = await publishedCourse(instructor.client, "Cached constitutional law", { lessons: 2 });
    const anonymous = stack.client();
    const first = await coursePage(anonymous, course.slug);
    assert.equal(first.errors, undefined, JSON.stringify(first.errors));
    assert.equal(first.headers.get("x-cache"), "MISS");
    let again: GraphQLResponse | undefined;
    const cached = await stack.measure(async () => {
      again = await coursePage(anonymous, course.slug);
    });
    assert.equal(again!.headers.get("x-cache"), "HIT");
    assert.deepEqual(again!.data, first.data);
    assert.deepEqual(cached.sql, Object.fromEntries(Object.keys(cached.sql).map((name) => [name, 0])), "a hit reads nothing");

    const added = await instructor.client.op("AddLesson", { courseId: course.id, input: { title: "Fresh lesson", body: "New", durationMinutes: 5 } });
    assert.equal(added.errors, undefined, JSON.stringify(added.errors));
    const { answer, elapsed } = await readUntil(
      () => coursePage(anonymous, course.slug),
      (page) => lessonTitles(page).includes("Fresh lesson"),
    );
    assert.ok(lessonTitles(answer).includes("Fresh lesson"), `the page still shows ${lessonTitles(answer).join(", ")}`);
    assert.ok(elapsed < 1_000, `the new lesson showed after ${Math.round(elapsed)} ms`);
    assert.equal((await coursePage(anonymous, course.slug)).headers.get("x-cache"), "HIT", "the new page is cached in turn");
  });

  it("shows the change on another replica within 1 s, evicted by the event the subgraph announced", async () => {
    const course = await publishedCourse(instructor.client, "Replicated torts", { lessons: 1 });
    const replica = await stack.startGatewayReplica();
    const anonymous = replica.client();
    await coursePage(anonymous, course.slug);
    assert.equal((await coursePage(anonymous, course.slug)).headers.get("x-cache"), "HIT");
    await instructor.client.op("AddLesson", { courseId: course.id, input: { title: "Heard elsewhere", body: "New", durationMinutes: 5 } });
    const { answer, elapsed } = await readUntil(
      () => coursePage(anonymous, course.slug),
      (page) => lessonTitles(page).includes("Heard elsewhere"),
    );
    assert.ok(lessonTitles(answer).includes("Heard elsewhere"), "the replica still serves the old page");
    assert.ok(elapsed < 1_000, `the replica showed the lesson after ${Math.round(elapsed)} ms`);
  });

  it("evicts a lookup that found nothing when the course appears, and a catalog when one is published", async () => {
    const anonymous = stack.client();
    const created = await instructor.client.op("CreateCourse", { input: { title: "Not yet public evidence", description: "Soon", level: "BEGINNER" } });
    const { id, slug } = created.data.createCourse;
    assert.equal((await coursePage(anonymous, slug)).data.course, null);
    assert.equal((await coursePage(anonymous, slug)).headers.get("x-cache"), "HIT");
    const catalog = await anonymous.op("CourseCatalog", { first: 100 });
    await instructor.client.op("AddLesson", { courseId: id, input: { title: "One", body: "Body", durationMinutes: 5 } });
    await instructor.client.op("PublishCourse", { id });
    const page = await coursePage(anonymous, slug);
    assert.equal(page.data.course?.id, id, "the published course still reads as missing");
    const after = await anonymous.op("CourseCatalog", { first: 100 });
    assert.equal(after.data.courses.totalCount, catalog.data.courses.totalCount + 1);
  });

  it("evicts a leaderboard with the live event that tells subscribers it changed", async () => {
    const test = await publishedTest(instructor.client, [{ correctOption: 1 }]);
    const board = () => stack.client().op("Leaderboard", { testId: test.id, first: 10 });
    assert.deepEqual((await board()).data.leaderboard, []);
    assert.equal((await board()).headers.get("x-cache"), "HIT");
    const student = await register(stack);
    await sit(student.client, test.id, test.questionIds, [1]);
    const { answer, elapsed } = await readUntil(board, (read) => read.data.leaderboard.length === 1);
    assert.equal(answer.data.leaderboard[0]?.user.id, student.user.id);
    assert.ok(elapsed < 1_000, `the leaderboard changed after ${Math.round(elapsed)} ms`);
  });

  it("never answers a live update from the cache: each event's read is fresh", async () => {
    const test = await publishedTest(instructor.client, [{ correctOption: 1 }]);
    const live = connect(stack.wsUrl);
    try {
      const board = subscribe(live, contractOperation("LeaderboardUpdated"), { testId: test.id });
      // An event on the board's topic until the subscription (in place once the gateway took it) answers: empty.
      for (let tries = 0; !board.results.length && tries < 40; tries++) {
        await stack.events.publish(subscriptionTopic("leaderboardUpdated", { testId: test.id }), { at: new Date().toISOString() });
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      assert.deepEqual(board.results[0].data.leaderboardUpdated, []);
      for (let round = 1; round <= 3; round++) {
        const student = await register(stack, { displayName: `Live cached ${round}` });
        await sit(student.client, test.id, test.questionIds, [1]);
        // The board the submission's event delivered: no later event comes to mend a stale one.
        const deadline = Date.now() + 5_000;
        while (board.results.at(-1)?.data?.leaderboardUpdated.length !== round && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
        const last = board.results.at(-1)!;
        assert.equal(last.errors, undefined, JSON.stringify(last.errors));
        assert.equal(last.data.leaderboardUpdated.length, round, `the event of submission ${round} delivered a board of ${last.data.leaderboardUpdated.length}`);
      }
      // An event nobody announced a change with (only its topic): a read from the cache would be the old board.
      await stack.db.query("update assessments.attempts set score = -1 where test_id = $1", [test.id]);
      const before = board.results.length;
      await stack.events.publish(subscriptionTopic("leaderboardUpdated", { testId: test.id }), { at: new Date().toISOString() });
      const rescored = (await board.next(before + 1, 5_000)).at(-1)!;
      assert.deepEqual(
        rescored.data.leaderboardUpdated.map((entry: { score: number }) => entry.score),
        [-1, -1, -1],
      );
      board.stop();
    } finally {
      await live.client.dispose();
    }
  });

  it("evicts the reading materials list when one is published", async () => {
    const anonymous = stack.client();
    const before = await anonymous.op("ReadingMaterials", { first: 100 });
    assert.equal((await anonymous.op("ReadingMaterials", { first: 100 })).headers.get("x-cache"), "HIT");
    await instructor.client.op("CreateReadingMaterial", { input: { title: "Fresh digest", kind: "GK_DIGEST", topic: "polity", body: "News" } });
    const after = await anonymous.op("ReadingMaterials", { first: 100 });
    assert.equal(after.data.readingMaterials.totalCount, before.data.readingMaterials.totalCount + 1);
  });

  it("evicts an owner's cached upload when the sweep job removes it (a change made outside any request)", async () => {
    const owner = await register(stack);
    const ticket = await owner.client.op("CreateUploadUrl", { input: { filename: "swept.png", contentType: "image/png", sizeBytes: 10, purpose: "AVATAR" } });
    assert.equal(ticket.errors, undefined, JSON.stringify(ticket.errors));
    const id = ticket.data.createUploadUrl.asset.id;
    const read = () => owner.client.op("MediaAsset", { id });
    assert.equal((await read()).data.mediaAsset.status, "PENDING");
    assert.equal((await read()).headers.get("x-cache"), "HIT");
    await stack.db.query("update content.media_assets set created_at = now() - interval '2 days' where id = $1", [id]);
    await stack.subgraph("content").runJobNow("sweep-stale-uploads");
    const { answer, elapsed } = await readUntil(read, (page) => page.data.mediaAsset === null);
    assert.equal(answer.data.mediaAsset, null, "the removed upload is still served from the cache");
    assert.ok(elapsed < 1_000, `it went after ${Math.round(elapsed)} ms`);
  });

  it("keeps each signed-in reader's answers apart: a private field is never served from another's entry", async () => {
    const mine = "query Mine { me { id email } courses(first: 3) { totalCount } }";
    const [first, second] = [await register(stack), await register(stack)];
    for (const reader of [first, second]) {
      const read = await reader.client.request(mine);
      assert.equal(read.headers.get("x-cache"), "MISS");
      const again = await reader.client.request(mine);
      assert.equal(again.headers.get("x-cache"), "HIT");
      assert.equal(again.data.me.email, reader.email);
      assert.equal(again.headers.get("cache-control")?.startsWith("private, max-age="), true);
    }
    // Anonymous callers have no entry of anyone's: `me` is null for them, whatever was cached.
    const anonymous = await stack.client().request(mine);
    assert.equal(anonymous.data.me, null);
  });

  it("never serves an author's draft to anyone else", async () => {
    const created = await instructor.client.op("CreateCourse", { input: { title: "Private draft of contracts", description: "Mine", level: "BEGINNER" } });
    const { slug } = created.data.createCourse;
    await coursePage(instructor.client, slug);
    const again = await coursePage(instructor.client, slug);
    assert.equal(again.headers.get("x-cache"), "HIT");
    assert.equal(again.data.course.title, "Private draft of contracts");
    const other = await registerWithRole(stack, "INSTRUCTOR", "Another instructor");
    assert.equal((await coursePage(other.client, slug)).data.course, null);
    assert.equal((await coursePage(stack.client(), slug)).data.course, null);
  });

  it("tells CDNs how to cache a GET persisted query: public for anonymous readers, private for the signed-in, never a mutation", async () => {
    const course = await publishedCourse(instructor.client, "CDN friendly equity", { lessons: 1 });
    const url = new URL(stack.url);
    url.searchParams.set("extensions", JSON.stringify({ persistedQuery: { version: 1, sha256Hash: sha256(contractOperation("CourseBySlug")) } }));
    url.searchParams.set("variables", JSON.stringify({ slug: course.slug }));
    const get = (headers: Record<string, string> = {}) => fetch(url, { headers: { "apollo-require-preflight": "true", ...headers } });
    const anonymous = await get();
    assert.equal(anonymous.status, 200);
    assert.match(anonymous.headers.get("cache-control") ?? "", /^public, max-age=([1-9]\d*)$/);
    // Media URLs are signed for 15 minutes: nothing that holds one is kept past 60 s.
    assert.ok(Number(/max-age=(\d+)/.exec(anonymous.headers.get("cache-control")!)![1]) <= 60);
    const student = await register(stack);
    const signedIn = await get({ authorization: `Bearer ${student.accessToken}` });
    assert.match(signedIn.headers.get("cache-control") ?? "", /^private, max-age=\d+$/);

    const mutation = await instructor.client.op("AddLesson", { courseId: course.id, input: { title: "Later", body: "Body", durationMinutes: 5 } });
    assert.equal(mutation.headers.get("cache-control"), "no-store");
    // Fields without hints (study statistics) are never cacheable, at the gateway or downstream.
    const uncached = await instructor.client.op("StudyStats", {});
    assert.equal(uncached.headers.get("cache-control"), "no-store");
    assert.equal(uncached.headers.get("x-cache"), null);
  });

  it("counts hits, misses and what it kept in /metrics", async () => {
    assert.ok((await metricSum(stack.origin, "gateway_response_cache_lookups_total", 'result="hit"')) > 0);
    assert.ok((await metricSum(stack.origin, "gateway_response_cache_stores_total", 'outcome="kept"')) > 0);
    assert.ok((await metricSum(stack.origin, "gateway_response_cache_changes_total")) > 0);
  });
});

describe("the response cache in each replica's memory", () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ gateway: { responseCache: cacheOn("memory") } });
  });
  after(() => stack?.close());

  it("evicts on every replica: each hears the change on the bus", async () => {
    const instructor = await registerWithRole(stack, "INSTRUCTOR");
    const course = await publishedCourse(instructor.client, "Memory held jurisprudence", { lessons: 1 });
    const replicas = [{ client: stack.client }, await stack.startGatewayReplica(), await stack.startGatewayReplica()];
    for (const replica of replicas) {
      await coursePage(replica.client(), course.slug);
      assert.equal((await coursePage(replica.client(), course.slug)).headers.get("x-cache"), "HIT");
    }
    // Straight to the subgraph's effect: the mutation goes through the first replica only.
    await instructor.client.op("AddLesson", { courseId: course.id, input: { title: "Everywhere", body: "New", durationMinutes: 5 } });
    for (const [index, replica] of replicas.entries()) {
      const { answer, elapsed } = await readUntil(
        () => coursePage(replica.client(), course.slug),
        (page) => lessonTitles(page).includes("Everywhere"),
      );
      assert.ok(lessonTitles(answer).includes("Everywhere"), `replica ${index} still serves the old page`);
      assert.ok(elapsed < 1_000, `replica ${index} showed the lesson after ${Math.round(elapsed)} ms`);
    }
  });
});

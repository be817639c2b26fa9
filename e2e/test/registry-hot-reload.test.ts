import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { RegistryClient } from "@solo/registry";
import { publishedCourse, registerWithRole } from "../src/content-fixtures";
import { connect, subscribe } from "../src/live";
import { startProbeSubgraph } from "../src/probe-subgraph";
import type { Service } from "../src/processes";
import { freePort, startService, stopService } from "../src/processes";
import type { Stack } from "../src/stack";
import { GraphQLClient, contractOperation, register, startStack } from "../src/stack";

const FEDERATION = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])`;
/** A small subgraph of the test's own: it implements both fields, but is published first without the second. */
const PROBE_V1 = `${FEDERATION}\ntype Query { probe: String, slowProbe: String }`;
const PROBE_V2 = `${FEDERATION}\ntype Query { probe: String, slowProbe: String, probeAdded: String }`;

/*
 * A gateway process reading the registry (SUPERGRAPH_SOURCE=registry) swaps to a newly published
 * supergraph while it runs: the new field is served within 10 s of the publish (the registry's
 * poll delay is 30 s here, so it is the bus's registry.launch that tells it), a request under way
 * during the swap is answered, and a subscription opened before keeps delivering.
 */
describe("the gateway follows the schema registry without a restart", () => {
  let stack: Stack;
  let gateway: Service;
  let probe: Awaited<ReturnType<typeof startProbeSubgraph>>;
  let releaseSlow: () => void;
  const slowReleased = new Promise<void>((resolve) => (releaseSlow = resolve));
  let registry: RegistryClient;

  before(async () => {
    stack = await startStack({ registry: { minDelaySeconds: 30 } });
    registry = new RegistryClient({ url: stack.registryUrl! });
    probe = await startProbeSubgraph(PROBE_V2, {
      Query: { probe: () => "probe", probeAdded: () => "added", slowProbe: async () => (await slowReleased, "slow") },
    });
    await registry.publish("probe", { sdl: PROBE_V1, url: probe.url, author: "registry hot-reload test" });
    gateway = await startService("gateway", "gateway/dist/src/index.js", await freePort(), {
      SUPERGRAPH_SOURCE: "registry",
      REGISTRY_URL: stack.registryUrl,
      DATABASE_URL: stack.databaseUrl,
      REDIS_URL: process.env.REDIS_URL ?? "",
      EVENT_BUS_NAMESPACE: stack.eventNamespace,
      RATE_LIMIT_ANONYMOUS: "1000000",
      RATE_LIMIT_USER: "1000000",
      USAGE_REPORTING: "0",
    });
  });
  after(async () => {
    releaseSlow();
    if (gateway) await stopService(gateway);
    await probe?.close();
    await stack?.close();
  });

  it("serves a published field within 10 s, finishes a request under way, and keeps a subscription delivering", async () => {
    const client = new GraphQLClient(gateway.url);
    const before = await client.request("{ probe }");
    assert.deepEqual(before.data, { probe: "probe" }, JSON.stringify(before.errors));
    const notYet = await client.request("{ probeAdded }");
    assert.equal(notYet.errors?.[0].extensions?.code, "GRAPHQL_VALIDATION_FAILED");

    // A live subscription through the gateway process, opened before the swap.
    const instructor = await registerWithRole(stack, "INSTRUCTOR");
    const course = await publishedCourse(instructor.client, "Hot reload");
    const lessonId = (await stack.client().op("CourseBySlug", { slug: course.slug })).data.course.lessons[0].id;
    const student = await register(stack);
    const session = (await student.client.op("StartStudySession", { input: { courseId: course.id, lessonId } })).data.startStudySession;
    const live = connect(gateway.url.replace(/^http/, "ws"), { authorization: `Bearer ${student.accessToken}` });
    const stream = subscribe(live, contractOperation("StudySessionUpdated"), { sessionId: session.id });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await student.client.op("RecordStudyProgress", { sessionId: session.id, input: { progressPercent: 10, addFocusSeconds: 0 } });
    const [first] = await stream.next(1, 5_000);
    assert.equal(first.data.studySessionUpdated.progressPercent, 10);

    // Under way across the swap: its subgraph answers only once the new field is served.
    const slow = client.request("{ slowProbe }");
    await new Promise((resolve) => setTimeout(resolve, 200));

    // And a steady load across it: four callers back to back, none of whose requests may fail.
    let swapped = false;
    const steady = { answered: 0, failures: [] as string[] };
    const load = Array.from({ length: 4 }, async () => {
      while (!swapped) {
        const answer = await client.request("{ probe }").catch((error: unknown) => ({ errors: [{ message: String(error) }], data: undefined }));
        if (answer.errors || answer.data?.probe !== "probe") steady.failures.push(JSON.stringify(answer));
        else steady.answered += 1;
      }
    });

    const published = Date.now();
    await registry.publish("probe", { sdl: PROBE_V2, url: probe.url, author: "registry hot-reload test" });
    let served;
    for (;;) {
      served = await client.request("{ probeAdded }");
      if (!served.errors || Date.now() - published > 10_000) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // A little more load on the new schema, then the callers stop.
    await new Promise((resolve) => setTimeout(resolve, 300));
    swapped = true;
    await Promise.all(load);
    assert.deepEqual(steady.failures, [], "no request failed across the swap");
    assert.ok(steady.answered >= 8, `a steady load ran across the swap (${steady.answered} answered)`);
    assert.deepEqual(served.data, { probeAdded: "added" }, `not served within 10 s: ${JSON.stringify(served.errors)}`);
    assert.ok(Date.now() - published <= 10_000, `served after ${Date.now() - published} ms`);
    assert.equal(gateway.child.exitCode, null, "the gateway process was not restarted");

    releaseSlow();
    const finished = await slow;
    assert.deepEqual(finished, { ...finished, data: { slowProbe: "slow" }, errors: undefined });

    await student.client.op("RecordStudyProgress", { sessionId: session.id, input: { progressPercent: 40, addFocusSeconds: 0 } });
    const [, second] = await stream.next(2, 5_000);
    assert.equal(second.data.studySessionUpdated.progressPercent, 40);
    stream.stop();
    await live.client.dispose();
  });
});

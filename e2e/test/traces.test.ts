import assert from "node:assert/strict";
import crypto from "node:crypto";
import { after, before, describe, it } from "node:test";
import { readSubgraphs, subgraphUrlVariable } from "@solo/kit";
import { createTestDatabase } from "@solo/kit/dist/src/testing";
import { startTestObjectStore } from "../src/object-store";
import type { ReceivedSpan } from "../src/otlp-receiver";
import { startOtlpReceiver } from "../src/otlp-receiver";
import type { Service } from "../src/processes";
import { freePort, startService, startSubgraphProcess, stopService } from "../src/processes";
import { GraphQLClient, PASSWORD, uniqueEmail } from "../src/stack";

/** Served by users (me, displayName) and content (authoredCourses, through _entities): both read Postgres. */
const PROFILE = "query TracedProfile { me { displayName authoredCourses { id } } }";
const SERVER = 2;

const isSql = (span: ReceivedSpan) => span.attributes["db.system"] === "postgresql" || span.attributes["db.system.name"] === "postgresql";

/** Every span's parent is in the trace (or is the client's), and the services are those named. */
function assertConnected(trace: ReceivedSpan[], clientSpanId?: string) {
  const ids = new Set(trace.map((span) => span.spanId));
  const roots = trace.filter((span) => !span.parentSpanId || span.parentSpanId === clientSpanId);
  assert.deepEqual(
    roots.map((span) => [span.service, span.kind]),
    [["gateway", SERVER]],
    "one root: the gateway's server span",
  );
  for (const span of trace) if (span !== roots[0]) assert.ok(ids.has(span.parentSpanId!), `${span.service}'s ${span.name} has its parent in the trace`);
}

/**
 * Every span of the trace has come in: the gateway's server span (it ends last, and may come in a
 * later export batch than the spans under it) and the parent of every other span.
 */
function complete(trace: ReceivedSpan[], clientSpanId?: string): boolean {
  const ids = new Set(trace.map((span) => span.spanId));
  const root = trace.some((span) => span.service === "gateway" && span.kind === SERVER && (span.parentSpanId ?? "") === (clientSpanId ?? ""));
  return root && trace.every((span) => !span.parentSpanId || span.parentSpanId === clientSpanId || ids.has(span.parentSpanId));
}

/** The subgraph's server span for a gateway fetch hangs under a span of the gateway, in another process. */
function crossesInto(trace: ReceivedSpan[], service: string): boolean {
  const byId = new Map(trace.map((span) => [span.spanId, span]));
  return trace.some((span) => span.service === service && span.kind === SERVER && byId.get(span.parentSpanId!)?.service === "gateway");
}

/**
 * Real processes (users, content and the gateway) exporting to an OTLP/HTTP receiver on loopback:
 * a query served by two subgraphs makes one trace, the gateway's plan and fetches, each subgraph's
 * request, resolvers and SQL, linked across processes through `traceparent`.
 */
describe("traces", () => {
  const services: Service[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let client: GraphQLClient;

  before(async () => {
    receiver = await startOtlpReceiver();
    cleanups.push(receiver.close);
    const database = await createTestDatabase("traces");
    cleanups.push(() => database.drop());
    const store = await startTestObjectStore();
    cleanups.push(() => store.close());
    const [usersPort, contentPort, gatewayPort, closedPort] = await Promise.all(Array.from({ length: 4 }, () => freePort()));
    // The query reaches users and content alone; the other subgraphs are not started (a port nobody listens on).
    const routes = Object.fromEntries(readSubgraphs().map(({ name }) => [subgraphUrlVariable(name), `http://127.0.0.1:${closedPort}/graphql`]));
    const env: NodeJS.ProcessEnv = {
      ...routes,
      [subgraphUrlVariable("users")]: `http://127.0.0.1:${usersPort}/graphql`,
      [subgraphUrlVariable("content")]: `http://127.0.0.1:${contentPort}/graphql`,
      DATABASE_URL: database.url,
      REDIS_URL: "",
      S3_ENDPOINT: store.config.endpoint,
      S3_BUCKET: store.config.bucket,
      S3_ACCESS_KEY_ID: store.config.accessKeyId,
      S3_SECRET_ACCESS_KEY: store.config.secretAccessKey,
      NODE_ENV: "development",
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      // Batches every 50 ms (5 s by default): the test waits for the spans, not for a timer.
      OTEL_BSP_SCHEDULE_DELAY: "50",
      // Both tests send the same query, and each must reach the subgraphs: a cached answer makes no subgraph spans.
      RESPONSE_CACHE: "false",
    };
    // One after the other (side by side, they starve each other of the CPU); the gateway's /ready would
    // wait for the subgraphs left out, its /health does not.
    services.push(await startSubgraphProcess("users", usersPort, env));
    services.push(await startSubgraphProcess("content", contentPort, env));
    services.push(await startService("gateway", "gateway/dist/src/index.js", gatewayPort, env, [], "/health"));
    const anonymous = new GraphQLClient(`http://127.0.0.1:${gatewayPort}/graphql`);
    const registered = await anonymous.op("Register", { input: { email: uniqueEmail("traced"), password: PASSWORD, displayName: "Traced" } });
    assert.equal(registered.errors, undefined);
    client = anonymous.withToken(registered.data.register.accessToken as string);
  });
  after(async () => {
    for (const service of services.reverse()) await stopService(service, "SIGKILL");
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("follows a cross-subgraph query from the gateway through users and content, SQL included, in one trace", { timeout: 60_000 }, async () => {
    const response = await client.request(PROFILE);
    assert.deepEqual(response.errors, undefined);
    assert.deepEqual(response.data, { me: { displayName: "Traced", authoredCourses: [] } });

    const { traceId } = await receiver.span((span) => span.name === "gateway.request" && span.attributes["graphql.operation.name"] === "TracedProfile");
    const trace = await receiver.trace(
      traceId,
      (spans) =>
        crossesInto(spans, "users") &&
        crossesInto(spans, "content") &&
        ["users", "content"].every((service) => spans.some((span) => span.service === service && isSql(span))) &&
        complete(spans),
    );
    const names = (service: string) => new Set(trace.filter((span) => span.service === service).map((span) => span.name));
    for (const name of ["gateway.request", "gateway.plan", "gateway.execute", "gateway.fetch"]) assert.ok(names("gateway").has(name), `the gateway's ${name}`);
    // A span per root field: `me` in users, the entity batch `_entities` in content.
    assert.ok(
      [...names("users")].some((name) => name.includes("me")),
      `users' root field: ${[...names("users")].join(", ")}`,
    );
    assert.ok(
      [...names("content")].some((name) => name.includes("_entities")),
      `content's entity batch: ${[...names("content")].join(", ")}`,
    );
    // Properties read off objects make no span: the trace stays readable.
    assert.ok(![...names("users")].some((name) => name.includes("displayName")), "no span for a plain field");
    assert.ok(names("gateway").has("POST /graphql") && names("users").has("POST /graphql"), "server spans are named by their route");
    assertConnected(trace);
  });

  it("continues the trace a client started (W3C traceparent)", { timeout: 60_000 }, async () => {
    const traceId = crypto.randomBytes(16).toString("hex");
    const clientSpanId = crypto.randomBytes(8).toString("hex");
    const response = await client.raw(JSON.stringify({ query: PROFILE }), { traceparent: `00-${traceId}-${clientSpanId}-01` });
    assert.equal(response.errors, undefined);
    const trace = await receiver.trace(traceId, (spans) => crossesInto(spans, "users") && crossesInto(spans, "content") && complete(spans, clientSpanId));
    const server = trace.find((span) => span.service === "gateway" && span.kind === SERVER);
    assert.equal(server?.parentSpanId, clientSpanId, "the gateway's request span is a child of the client's");
    assertConnected(trace, clientSpanId);
  });
});

import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { gatewayConfigFromEnv, startGateway } from "@solo/gateway";
import type { Identity } from "@solo/kit";
import { ANONYMOUS, GATEWAY_KEY_HEADER, IDENTITY_HEADER, anonymousGatewayKey, createLogger, platformSecrets, projectRoot, signIdentity } from "@solo/kit";
import { createTestDatabase } from "@solo/kit/dist/src/testing";
import crypto from "node:crypto";
import { Client } from "pg";
import { publishedCourse, registerWithRole } from "../src/content-fixtures";
import { until, waitingOnLocks } from "../src/held-requests";
import { startTestObjectStore } from "../src/object-store";
import type { Service } from "../src/processes";
import { freePort, startSubgraphProcess, stopService } from "../src/processes";
import type { Stack } from "../src/stack";
import { GraphQLClient, startStack } from "../src/stack";

/**
 * The content subgraph as its own process (with its default limits and memory), called directly
 * by someone who holds the internal secret: whatever they send, it answers with a coded refusal
 * and stays up. Before these limits, `deepRecursion(6)` below ran it out of memory in 77 s.
 */
describe("a subgraph's own limits, called directly with a signed identity", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Awaited<ReturnType<typeof startTestObjectStore>>;
  let content: Service;
  let contentEnv: NodeJS.ProcessEnv;
  let slug: string;
  const instructor: Identity = { kind: "user", userId: crypto.randomUUID(), role: "INSTRUCTOR", sessionId: crypto.randomUUID() };

  const post = async (body: string, identity: Identity = ANONYMOUS) => {
    const started = Date.now();
    const response = await fetch(content.url, {
      method: "POST",
      headers: { "content-type": "application/json", [IDENTITY_HEADER]: await signIdentity(identity) },
      body,
    });
    return { status: response.status, ms: Date.now() - started, ...((await response.json()) as { data?: any; errors?: any[] }) };
  };
  const call = (query: string, variables?: object, identity?: Identity) => post(JSON.stringify({ query, variables }), identity);

  /** `course { lessons { course { lessons … } } }`: 12 lessons make every level 12 times wider. */
  const deepRecursion = (levels: number) => {
    let selection = "id";
    for (let i = 0; i < levels; i++) selection = `lessons { course { ${selection} } }`;
    return `{ course(slug: "${slug}") { ${selection} } }`;
  };

  /** The subgraph is alive, healthy, and still answers an ordinary query. */
  async function assertServing() {
    assert.equal(content.child.exitCode, null, `content exited:\n${content.output().slice(-2000)}`);
    assert.equal((await fetch(content.url.replace("/graphql", "/health"))).status, 200);
    const ordinary = await call(`{ course(slug: "${slug}") { lessonCount } }`);
    assert.deepEqual(ordinary.data, { course: { lessonCount: 12 } });
  }

  async function residentMegabytes(): Promise<number> {
    const text = await (await fetch(content.url.replace("/graphql", "/metrics"))).text();
    return Number(/^process_resident_memory_bytes\{[^}]*\} (\d+)/m.exec(text)![1]) / 2 ** 20;
  }

  before(async () => {
    database = await createTestDatabase("defence");
    store = await startTestObjectStore();
    platformSecrets(); // the development keys exist before the process that shares them starts
    contentEnv = {
      DATABASE_URL: database.url,
      S3_ENDPOINT: store.config.endpoint,
      S3_BUCKET: store.config.bucket,
      S3_ACCESS_KEY_ID: store.config.accessKeyId,
      S3_SECRET_ACCESS_KEY: store.config.secretAccessKey,
      LOG_LEVEL: "error",
    };
    content = await startSubgraphProcess("content", await freePort(), contentEnv);
    const created = await call(`mutation { createCourse(input: { title: "Recursion", description: "d", level: BEGINNER }) { id slug } }`, undefined, instructor);
    const courseId = created.data.createCourse.id;
    slug = created.data.createCourse.slug;
    for (let i = 1; i <= 12; i++) {
      await call(`mutation($c: ID!) { addLesson(courseId: $c, input: { title: "L${i}", body: "b", durationMinutes: 5 }) { id } }`, { c: courseId }, instructor);
    }
    const published = await call(`mutation($c: ID!) { publishCourse(id: $c) { status } }`, { c: courseId }, instructor);
    assert.equal(published.data.publishCourse.status, "PUBLISHED");
  });
  after(async () => {
    if (content) await stopService(content, "SIGKILL");
    await store?.close();
    await database?.drop();
  });

  it("refuses a recursive query deeper than SUBGRAPH_MAX_DEPTH before running it", async () => {
    const deep = await call(deepRecursion(30));
    assert.equal(deep.status, 400);
    assert.equal(deep.errors![0].extensions.code, "GRAPHQL_VALIDATION_FAILED");
    assert.match(deep.errors![0].message, /depth limit of 15/);
    assert.ok(deep.ms < 5_000, `${deep.ms} ms`);
    await assertServing();
  });

  it("stops a query that fans out within the depth limit at SUBGRAPH_MAX_RESOLVED_FIELDS, without running out of memory", { timeout: 120_000 }, async (t) => {
    // Six levels are 12^6 ≈ 3 million lessons at depth 14: this query crashed content before.
    const before = await residentMegabytes();
    const wide = await call(deepRecursion(6));
    assert.equal(wide.status, 200);
    assert.equal(wide.data?.course ?? null, null);
    assert.equal(wide.errors!.length, 1, "one error, not one per refused field");
    assert.deepEqual(wide.errors![0].extensions, { code: "BAD_REQUEST", limit: "MAX_RESOLVED_FIELDS" });
    assert.match(wide.errors![0].message, /more than 100000 fields and list items/);
    const after = await residentMegabytes();
    t.diagnostic(`refused in ${wide.ms} ms; resident memory ${before.toFixed(0)} → ${after.toFixed(0)} MiB`);
    assert.ok(after < 1024, `resident memory ${after} MiB`);
    await assertServing();
    // Within the budget, the same recursion is answered in full (3 levels: 1,728 lessons).
    const within = await call(deepRecursion(3));
    assert.equal(within.errors, undefined);
    assert.equal(within.data.course.lessons.length, 12);
  });

  it("refuses an alias bomb", async () => {
    const aliases = Array.from({ length: 500 }, (_, i) => `a${i}: course(slug: "${slug}") { id }`).join(" ");
    const bomb = await call(`{ ${aliases} }`);
    assert.equal(bomb.status, 400);
    assert.equal(bomb.errors![0].extensions.code, "GRAPHQL_VALIDATION_FAILED");
    assert.match(bomb.errors![0].message, /Aliases limit of 30/);
    assert.ok(bomb.ms < 5_000, `${bomb.ms} ms`);
    await assertServing();
  });

  it("refuses a token bomb before parsing it", async () => {
    const bomb = await call(`{ ${"__typename ".repeat(50_000)} }`);
    assert.equal(bomb.status, 400);
    assert.deepEqual(bomb.errors![0].extensions, { code: "BAD_REQUEST", limit: "MAX_TOKENS" });
    assert.ok(bomb.ms < 5_000, `${bomb.ms} ms`);
    await assertServing();
  });

  it("refuses a representations list longer than SUBGRAPH_MAX_LIST_LENGTH", async () => {
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Course { id } } }`;
    const representation = { __typename: "Course", id: crypto.randomUUID() };
    const atLimit = await call(query, { r: Array(10_000).fill(representation) });
    assert.equal(atLimit.errors, undefined, "10,000 representations (a page of 100 with 100 each) pass");
    assert.equal(atLimit.data._entities.length, 10_000);
    const huge = await call(query, { r: Array(10_001).fill(representation) });
    assert.equal(huge.status, 400);
    assert.deepEqual(huge.errors![0].extensions, { code: "BAD_REQUEST", limit: "MAX_LIST_LENGTH" });
    const nested = await call(`query($x: _Any!) { _entities(representations: [$x]) { __typename } }`, { x: { deep: { list: Array(20_000).fill(1) } } });
    assert.equal(nested.errors![0].extensions.limit, "MAX_LIST_LENGTH", "a list anywhere in the variables counts");
    await assertServing();
  });

  it("refuses with 503 and Retry-After what it cannot serve soon (SUBGRAPH_MAX_IN_FLIGHT_REQUESTS, SUBGRAPH_MAX_QUEUED_REQUESTS)", async () => {
    // A second content process on the same database, with one place and no queue.
    const narrow = await startSubgraphProcess("content", await freePort(), {
      ...contentEnv,
      SUBGRAPH_MAX_IN_FLIGHT_REQUESTS: "1",
      SUBGRAPH_MAX_QUEUED_REQUESTS: "0",
    });
    const locker = new Client({ connectionString: database.url });
    await locker.connect();
    const ask = async () => {
      const response = await fetch(narrow.url, {
        method: "POST",
        headers: { "content-type": "application/json", [IDENTITY_HEADER]: await signIdentity(ANONYMOUS) },
        body: JSON.stringify({ query: `{ course(slug: "${slug}") { lessonCount } }` }),
      });
      return { status: response.status, retryAfter: response.headers.get("retry-after"), ...((await response.json()) as { data?: any; errors?: any[] }) };
    };
    try {
      // Held for real: its statement waits on a table this connection has locked.
      await locker.query("BEGIN");
      await locker.query("LOCK TABLE content.courses IN ACCESS EXCLUSIVE MODE");
      const held = ask();
      await until(async () => (await waitingOnLocks(locker)) >= 1, "the first request at the database");
      const refused = await ask();
      assert.equal(refused.status, 503);
      assert.equal(refused.retryAfter, "1");
      assert.deepEqual(refused.errors?.[0]?.extensions, { code: "SERVICE_UNAVAILABLE", reason: "OVERLOADED", retryAfterSeconds: 1 });
      await locker.query("COMMIT");
      const served = await held;
      assert.equal(served.status, 200);
      assert.deepEqual(served.data, { course: { lessonCount: 12 } });
    } finally {
      await locker.query("ROLLBACK").catch(() => undefined);
      await locker.end();
      await stopService(narrow, "SIGKILL");
    }
  });

  it("refuses an oversized body with 413", async () => {
    const padding = "x".repeat(3 * 1024 * 1024);
    const oversized = await post(JSON.stringify({ query: "{ __typename }", variables: { padding } }));
    assert.equal(oversized.status, 413);
    assert.equal(oversized.errors![0].extensions.code, "PAYLOAD_TOO_LARGE");
    const malformed = await post("{ not json");
    assert.equal(malformed.status, 400);
    assert.equal(malformed.errors![0].extensions.code, "BAD_REQUEST");
    await assertServing();
  });
});

/**
 * Another gateway put in front of our subgraphs for comparison: a stock @apollo/gateway that
 * holds the internal secret but cannot sign identities. With the documented static header it
 * serves public queries as an anonymous caller; without it, every subgraph refuses it.
 */
describe("a stock @apollo/gateway in front of the subgraphs", () => {
  let stack: Stack;
  let course: { slug: string; title: string };
  let author: string;

  before(async () => {
    stack = await startStack();
    const instructor = await registerWithRole(stack, "INSTRUCTOR", "Stock Author");
    author = instructor.user.id;
    course = await publishedCourse(instructor.client, "Through Another Gateway", { lessons: 2 });
  });
  after(() => stack.close());

  async function stockGateway(headers: Record<string, string>) {
    const urls = stack.subgraphUrls;
    const gateway = new ApolloGateway({
      supergraphSdl: fs.readFileSync(path.join(projectRoot(), "schema", "supergraph.graphql"), "utf8"),
      buildService: ({ name }) =>
        new RemoteGraphQLDataSource({
          url: urls[name],
          willSendRequest({ request }) {
            for (const [header, value] of Object.entries(headers)) request.http?.headers.set(header, value);
          },
        }),
    });
    const server = new ApolloServer({ gateway });
    const { url } = await startStandaloneServer(server, { listen: { port: 0, host: "127.0.0.1" } });
    return { client: new GraphQLClient(url, { headers: { "apollo-require-preflight": "1" } }), stop: () => server.stop() };
  }

  const query = `query($slug: String!) { course(slug: $slug) { title lessonCount author { id displayName } } me { id } }`;

  it("serves a public query through all our subgraphs with the anonymous-gateway key", async () => {
    // The documented recipe, computed here independently of the kit.
    const key = crypto.createHmac("sha256", platformSecrets().internalSecret).update("solo anonymous gateway").digest("base64url");
    assert.equal(key, anonymousGatewayKey());
    const stock = await stockGateway({ [GATEWAY_KEY_HEADER]: key });
    try {
      const answer = await stock.client.request(query, { slug: course.slug });
      assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
      assert.deepEqual(answer.data, {
        course: { title: course.title, lessonCount: 2, author: { id: author, displayName: "Stock Author" } },
        me: null,
      });
    } finally {
      await stock.stop();
    }
  });

  it("gets 401 from every subgraph without it", async () => {
    const stock = await stockGateway({});
    try {
      const refused = await stock.client.request(query, { slug: course.slug });
      assert.equal(refused.data?.course ?? null, null);
      assert.ok(refused.errors?.length);
      for (const error of refused.errors) assert.match(error.message, /^401: Unauthorized/, JSON.stringify(error));
      const forged = await stockGateway({ [GATEWAY_KEY_HEADER]: "forged" });
      try {
        assert.match((await forged.client.request("{ me { id } }")).errors![0].message, /^401/);
      } finally {
        await forged.stop();
      }
    } finally {
      await stock.stop();
    }
  });
});

/**
 * A client query the gateway's limits allow can still make the planner send a subgraph more than
 * that subgraph takes (here, more representations than its SUBGRAPH_MAX_LIST_LENGTH): the
 * subgraph's coded refusal reaches the client as it was given, naming the subgraph.
 */
describe("the gateway in front of a subgraph that refuses the planner's request", () => {
  let stack: Stack;
  before(async () => {
    process.env.SUBGRAPH_MAX_LIST_LENGTH = "3";
    try {
      stack = await startStack();
    } finally {
      delete process.env.SUBGRAPH_MAX_LIST_LENGTH;
    }
    const instructor = await registerWithRole(stack, "INSTRUCTOR");
    for (const title of ["One", "Two", "Three", "Four"]) await publishedCourse(instructor.client, `Refused ${title}`);
  });
  after(() => stack.close());

  it("passes on its coded refusal, not an internal error", async () => {
    const few = await stack.client().request(`{ courses(first: 3) { edges { node { title myProgress { percent } } } } }`);
    assert.equal(few.errors, undefined, JSON.stringify(few.errors));
    const many = await stack.client().request(`{ courses(first: 4) { edges { node { title myProgress { percent } } } } }`);
    assert.equal(many.status, 200);
    assert.deepEqual(
      many.data.courses.edges.map((edge: any) => edge.node.myProgress),
      [null, null, null, null],
    );
    assert.equal(many.errors!.length, 1);
    assert.deepEqual(many.errors![0].extensions, { code: "BAD_REQUEST", limit: "MAX_LIST_LENGTH", service: "assessments" });
    assert.match(many.errors![0].message, /has 4 items, more than 3/);
  });

  it("does not name the refusing subgraph in production", async () => {
    const production = await startGateway(
      {
        ...gatewayConfigFromEnv(),
        port: 0,
        host: "127.0.0.1",
        subgraphUrls: stack.subgraphUrls,
        hideSchemaDetails: true,
      },
      createLogger("test"),
    );
    try {
      const many = await new GraphQLClient(production.url).request(`{ courses(first: 4) { edges { node { title myProgress { percent } } } } }`);
      assert.equal(many.errors!.length, 1);
      assert.deepEqual(many.errors![0].extensions, { code: "BAD_REQUEST", limit: "MAX_LIST_LENGTH" });
    } finally {
      await production.close();
    }
  });
});

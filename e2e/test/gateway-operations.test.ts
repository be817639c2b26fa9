import assert from "node:assert/strict";
import crypto from "node:crypto";
import diagnostics from "node:diagnostics_channel";
import net from "node:net";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { gatewayConfigFromEnv, startGateway } from "@solo/gateway";
import { GATEWAY_KEY_HEADER, anonymousGatewayKey, projectRoot, subgraphUrlVariable } from "@solo/kit";
import Redis from "ioredis";
import type { Stack } from "../src/stack";
import { register, registerAdmin, startStack } from "../src/stack";

describe("gateway operations: health, readiness, metrics, request ids", () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  it("answers /health and /ready on the gateway and the subgraph", async () => {
    for (const base of [stack.origin, new URL(stack.subgraphUrls.users).origin]) {
      assert.deepEqual(await (await fetch(`${base}/health`)).json(), { status: "ok" });
      const ready = await fetch(`${base}/ready`);
      assert.equal(ready.status, 200, base);
    }
  });

  it("exposes Prometheus metrics counting operations and error codes", async () => {
    await stack.client().request("{ me { id } }", undefined);
    await stack.client().request("query Nope { nope }");
    const text = await (await fetch(`${stack.origin}/metrics`)).text();
    assert.match(text, /^# TYPE graphql_operations_total counter$/m);
    assert.match(text, /graphql_errors_total\{code="GRAPHQL_VALIDATION_FAILED",service="gateway"\} \d+/);
    assert.match(text, /http_request_duration_seconds_bucket\{.*route="\/graphql"/);
    assert.match(text, /process_resident_memory_bytes/);
  });

  it("carries the request id from the client through the gateway into the subgraph", async () => {
    const requestId = `it-${Date.now()}`;
    const account = await register(stack);
    const response = await account.client.raw(JSON.stringify({ query: `mutation { updateProfile(input: { displayName: "Traced" }) { id } }` }), {
      "x-request-id": requestId,
    });
    assert.equal(response.headers.get("x-request-id"), requestId);
    const audit = await stack.db.query("select request_id from users.audit_log where action = 'user.profile_updated' and resource_id = $1", [account.user.id]);
    assert.equal(audit.rows[0].request_id, requestId, "the subgraph saw the gateway's request id");
    const generated = await stack.client().request("{ me { id } }");
    assert.match(generated.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
  });

  it("keeps CSRF prevention on: a simple GET without a preflight header is refused", async () => {
    const response = await fetch(`${stack.url}?query=${encodeURIComponent("{ me { id } }")}`);
    assert.equal(response.status, 400);
    assert.match(await response.text(), /CSRF|preflight/i);
  });

  it("calls nothing outside the platform: no cloud metadata probes as it starts, no telemetry to Apollo as it stops", async () => {
    // The gateway's own default, whatever the test run sets for the stock gateways of other tests.
    const asked = process.env.APOLLO_TELEMETRY_DISABLED;
    delete process.env.APOLLO_TELEMETRY_DISABLED;
    // Every HTTP request this process makes while a gateway starts, serves and stops, by either client.
    const hosts: string[] = [];
    const viaNodeHttp = ({ request }: { request: { host: string } }) => hosts.push(request.host);
    const viaFetch = ({ request }: { request: { origin: string } }) => hosts.push(new URL(request.origin).hostname);
    diagnostics.subscribe("http.client.request.created", viaNodeHttp as (message: unknown) => void);
    diagnostics.subscribe("undici:request:create", viaFetch as (message: unknown) => void);
    try {
      const gateway = await startGateway({
        ...gatewayConfigFromEnv(),
        port: 0,
        host: "127.0.0.1",
        supergraphSource: "file",
        supergraphPath: path.join(projectRoot(), "schema", "supergraph.graphql"),
        subgraphUrls: stack.subgraphUrls,
        databaseUrl: stack.databaseUrl,
        eventBusNamespace: stack.eventNamespace,
      });
      try {
        const response = await fetch(gateway.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ __typename }" }) });
        assert.deepEqual(await response.json(), { data: { __typename: "Query" } });
      } finally {
        await gateway.close();
      }
    } finally {
      diagnostics.unsubscribe("http.client.request.created", viaNodeHttp as (message: unknown) => void);
      diagnostics.unsubscribe("undici:request:create", viaFetch as (message: unknown) => void);
      if (asked === undefined) delete process.env.APOLLO_TELEMETRY_DISABLED;
      else process.env.APOLLO_TELEMETRY_DISABLED = asked;
    }
    assert.ok(hosts.length > 0, "the requests of this test were seen");
    assert.deepEqual(
      hosts.filter((host) => !["127.0.0.1", "localhost", "::1", "[::1]"].includes(host)),
      [],
    );
  });

  it("refuses a subgraph called directly without the gateway's identity, and serves public fields only to the anonymous-gateway key", async () => {
    const account = await register(stack);
    const direct = async (query: string, headers: Record<string, string> = {}) => {
      const response = await fetch(stack.subgraphUrls.users, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ query }),
      });
      return { status: response.status, ...((await response.json()) as any) };
    };
    const unsigned = await direct("{ me { id } }");
    assert.equal(unsigned.status, 401);
    assert.equal(unsigned.errors[0].extensions.code, "UNAUTHENTICATED");
    // Even the user's own bearer token means nothing to a subgraph: only the gateway's signed identity counts.
    const withToken = await direct("{ me { id } }", { authorization: `Bearer ${account.accessToken}` });
    assert.equal(withToken.status, 401);
    const asGateway = { [GATEWAY_KEY_HEADER]: anonymousGatewayKey() };
    assert.deepEqual((await direct("{ me { id } }", asGateway)).data, { me: null });
    const withKeyAndToken = await direct("{ me { id } }", { ...asGateway, authorization: `Bearer ${account.accessToken}` });
    assert.deepEqual(withKeyAndToken.data, { me: null }, "the key is anonymous, whatever else is sent");
    const admin = await direct("{ users(first: 1) { totalCount } }", asGateway);
    assert.equal(admin.errors[0].extensions.code, "UNAUTHENTICATED");
    const entity = await direct(`{ _entities(representations: [{ __typename: "User", id: "${account.user.id}" }]) { ... on User { id displayName email } } }`, asGateway);
    assert.deepEqual(entity.data._entities, [{ id: account.user.id, displayName: "Test User", email: null }]);
  });

  it("names every subgraph that is down in /ready, and answers the rest with SERVICE_UNAVAILABLE naming the missing one", async () => {
    // users refuses connections; assessments accepts them and never answers (a hung process).
    const held = new Set<net.Socket>();
    const hung = net.createServer((socket) => held.add(socket));
    await new Promise<void>((resolve) => hung.listen(0, "127.0.0.1", resolve));
    const hungUrl = `http://127.0.0.1:${(hung.address() as net.AddressInfo).port}/graphql`;
    const other = await startStack({
      // Error details as in production: the service is still named (see the README's Errors).
      gateway: { hideSchemaDetails: true, subgraphTimeoutMs: 500, subgraphUrls: { users: "http://127.0.0.1:9/graphql", assessments: hungUrl } },
    }).catch(() => undefined);
    try {
      assert.ok(other, "the gateway starts from the supergraph file even when subgraphs are unreachable");
      const ready = await fetch(`${other.origin}/ready`);
      assert.equal(ready.status, 503);
      const body = (await ready.json()) as { reason: string; down: string[] };
      assert.deepEqual([...body.down].sort(), ["assessments", "users"]);
      assert.match(body.reason, /users/);
      assert.match(body.reason, /assessments/);

      const started = Date.now();
      const partial = await other.client().request(`{ courses(first: 1) { totalCount } me { id } mockTest(id: "${crypto.randomUUID()}") { id } }`);
      assert.equal(partial.status, 200);
      assert.equal(typeof partial.data.courses.totalCount, "number", "content's part of the answer stands");
      assert.equal(partial.data.me, null);
      assert.equal(partial.data.mockTest, null);
      const unavailable = partial.errors!.map((error) => ({ code: error.extensions?.code, service: error.extensions?.service }));
      assert.deepEqual(
        unavailable.sort((a, b) => a.service.localeCompare(b.service)),
        [
          { code: "SERVICE_UNAVAILABLE", service: "assessments" },
          { code: "SERVICE_UNAVAILABLE", service: "users" },
        ],
      );
      assert.ok(Date.now() - started < 5_000, "a hung subgraph costs the fetch timeout, not the client's patience");
    } finally {
      await other?.close();
      for (const socket of held) socket.destroy();
      hung.close();
    }
  });

  it("with READY_REQUIRES_SUBGRAPHS=false, is ready while a subgraph is down (a balancer keeps it in rotation for the others' fields)", async () => {
    const other = await startStack({ gateway: { readyRequiresSubgraphs: false, subgraphUrls: { users: "http://127.0.0.1:9/graphql" } } });
    try {
      const ready = await fetch(`${other.origin}/ready`);
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), { status: "ready" });
      const partial = await other.client().request("{ courses(first: 1) { totalCount } }");
      assert.equal(typeof partial.data.courses.totalCount, "number");
    } finally {
      await other.close();
    }
  });
});

describe("gateway limits and supergraph sources", () => {
  it("refuses an operation over the cost limit", async () => {
    const stack = await startStack({ gateway: { limits: { maxCost: 20 } } });
    try {
      const admin = await registerAdmin(stack);
      const cheap = await admin.client.request("{ me { id } }");
      assert.equal(cheap.errors, undefined);
      const costly = await admin.client.op("AuditLog", { first: 10 });
      assert.equal(costly.errors?.[0].extensions?.code, "GRAPHQL_VALIDATION_FAILED");
      assert.match(costly.errors![0].message, /cost/i);
    } finally {
      await stack.close();
    }
  });

  it("composes the supergraph from the running subgraphs in compose mode", async () => {
    const stack = await startStack({ gateway: { supergraphSource: "compose" } });
    try {
      const account = await register(stack);
      const me = await account.client.request("{ me { id } }");
      assert.equal(me.data.me.id, account.user.id);
    } finally {
      await stack.close();
    }
  });
});

describe("gateway introspection and error detail in production mode", () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ gateway: { introspection: "admins", hideSchemaDetails: true } });
  });
  after(() => stack.close());

  it("allows introspection for admins only", async () => {
    const query = "{ __schema { queryType { name } } }";
    const anonymous = await stack.client().request(query);
    assert.equal(anonymous.errors?.[0].extensions?.code, "FORBIDDEN");
    const student = await register(stack);
    assert.equal((await student.client.request(`{ __type(name: "User") { name } }`)).errors?.[0].extensions?.code, "FORBIDDEN");
    const admin = await registerAdmin(stack);
    const allowed = await admin.client.request(query);
    assert.deepEqual(allowed.data, { __schema: { queryType: { name: "Query" } } });
    assert.deepEqual((await stack.client().request("{ __typename }")).data, { __typename: "Query" });
  });

  it("does not suggest field names", async () => {
    const response = await stack.client().request("{ me { displayNam } }");
    assert.equal(response.errors?.[0].extensions?.code, "GRAPHQL_VALIDATION_FAILED");
    assert.doesNotMatch(response.errors[0].message, /Did you mean/);
  });
});

for (const backend of ["memory", "redis"] as const) {
  describe(`rate limits (${backend})`, { skip: backend === "redis" && !process.env.REDIS_URL && "REDIS_URL is not set" }, () => {
    let stack: Stack;
    before(async () => {
      stack = await startStack({
        gateway: {
          redisUrl: backend === "redis" ? process.env.REDIS_URL : undefined,
          rateLimit: { anonymous: 5, user: 8, apiKey: 8, windowSeconds: 60 },
        },
      });
    });
    after(() => stack.close());

    it("limits anonymous callers per IP and answers RATE_LIMITED with a retry hint", async () => {
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 7; i++) {
        last = await stack.client().request("{ __typename }");
        statuses.push(last.status);
      }
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429]);
      assert.ok(last);
      assert.equal(last.errors?.[0].extensions?.code, "RATE_LIMITED");
      const retry = Number(last.errors?.[0].extensions?.retryAfterSeconds);
      assert.ok(retry >= 1 && retry <= 60, `retryAfterSeconds ${retry}`);
      assert.equal(last.headers.get("retry-after"), String(retry));
    });

    it("counts a signed-in user on their own budget, not the IP's", async () => {
      // The IP budget is spent above; a token gets its own.
      const session = (await registerWhileLimited(stack)).client;
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) statuses.push((await session.request("{ me { id } }")).status);
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 200, 200, 429, 429]);
    });

    if (backend === "redis") {
      it("shares the counts between gateway replicas", async () => {
        const prefix = `test:shared:${Date.now()}`;
        const limits = { anonymous: 4, user: 100, apiKey: 100, windowSeconds: 60, keyPrefix: prefix };
        const a = await startStack({ gateway: { redisUrl: process.env.REDIS_URL, rateLimit: limits } });
        const b = await startStack({ gateway: { redisUrl: process.env.REDIS_URL, rateLimit: limits } });
        try {
          const statuses: number[] = [];
          for (const replica of [a, b, a, b, a, b]) statuses.push((await replica.client().request("{ __typename }")).status);
          assert.deepEqual(statuses, [200, 200, 200, 200, 429, 429]);
          const redis = new Redis(process.env.REDIS_URL!);
          try {
            assert.equal((await redis.keys(`${prefix}:anonymous:*`)).length, 1, "one counter for the IP, in Redis");
          } finally {
            redis.disconnect();
          }
        } finally {
          await a.close();
          await b.close();
        }
      });
    }
  });
}

/** Registration is anonymous: with the IP budget spent, create the account through a fresh IP bucket. */
async function registerWhileLimited(stack: Stack) {
  const { uniqueEmail, PASSWORD } = await import("../src/stack.js");
  const response = await stack.client({ headers: { "x-forwarded-for": "203.0.113.7" } }).op("Register", {
    input: { email: uniqueEmail(), password: PASSWORD, displayName: "Limited" },
  });
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return { client: stack.client({ token: response.data.register.accessToken }) };
}

describe("where the gateway finds subgraphs", () => {
  it("reads SUBGRAPH_URL_<NAME> for a hyphenated subgraph name, as the kit and npm run subgraph:new write it", () => {
    const variable = subgraphUrlVariable("study-groups");
    assert.equal(variable, "SUBGRAPH_URL_STUDY_GROUPS");
    process.env[variable] = "http://study-groups:4004/graphql";
    try {
      assert.equal(gatewayConfigFromEnv().subgraphUrls["study-groups"], "http://study-groups:4004/graphql");
    } finally {
      delete process.env[variable];
    }
  });
});

import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, describe, it } from "node:test";
import pino from "pino";
import { z } from "zod";
import { createHttpApp, listen } from "../src/http";
import type { Identity } from "../src/identity";
import { IDENTITY_HEADER, signServiceToken, verifyIdentity, verifyServiceToken } from "../src/identity";
import { InternalCallFailed, callInternal } from "../src/internal-http";
import { defineInternalRoute } from "../src/internal-api";
import { implement, mountInternalRoutes, refuse } from "../src/internal-routes";
import { createMetrics } from "../src/metrics";

/** A route of this test only: the kit is what is under test, with real HTTP on both sides. */
const greetRoute = defineInternalRoute({
  path: "/internal/test/greet",
  maxBodyBytes: 2_048,
  request: z.object({ name: z.string().min(1).max(100), times: z.number().int().min(1).max(3) }),
  response: z.object({ greeting: z.string(), times: z.number().int() }),
  errors: { 404: "nobody of that name" },
});

const student: Identity = { kind: "user", userId: "00000000-0000-4000-8000-000000000001", role: "STUDENT", sessionId: "00000000-0000-4000-8000-000000000002" };

/** What the handler was given, call by call: a refused request must never reach it. */
let handled: unknown[] = [];

const greet = implement(greetRoute, async ({ body, actingFor }) => {
  handled.push({ ...body, actingFor: await actingFor() });
  if (body.name === "nobody") return refuse(404);
  // A handler with a bug tsc cannot see (a cast): the kit must not send what it answers.
  if (body.name === "buggy") return { greeting: 42 as unknown as string, times: 1 };
  // A status the route does not declare, past tsc by a cast (typeChecks shows tsc refuses it).
  if (body.name === "teapot") return refuse(418 as number as 404);
  return { greeting: `hello ${body.name}`.repeat(body.times), times: body.times, secret: "not declared: never sent" };
});

/** Compile-time checks: never run, but tsc fails the build when a line marked here is accepted. */
export function typeChecks(url: string) {
  // @ts-expect-error: the handler's body is the request schema's type (no `nmae`)
  implement(greetRoute, async ({ body }) => ({ greeting: body.nmae, times: 1 }));
  // @ts-expect-error: the answer must have every field the response declares
  implement(greetRoute, async () => ({ greeting: "hi" }));
  // @ts-expect-error: 418 is not among the route's declared errors
  implement(greetRoute, async () => refuse(418));
  // @ts-expect-error: a caller's body is checked against the request schema
  void callInternal(greetRoute, url, { name: 7, times: 1 }, { caller: "test" });
  return async () => {
    const answer = await callInternal(greetRoute, url, { name: "ada", times: 1 }, { caller: "test" });
    if (answer.status === 200) return answer.body.greeting satisfies string;
    // @ts-expect-error: 403 is not a status this route answers with
    if (answer.status === 403) return "";
    return answer.error satisfies string;
  };
}

describe("internal routes: the callee's side", () => {
  const logs: string[] = [];
  let service: Awaited<ReturnType<typeof listen>>;
  let url: string;

  before(async () => {
    const logger = pino({ level: "error" }, { write: (line: string) => logs.push(line) });
    const app = createHttpApp({ logger, metrics: createMetrics("internal-routes-test"), ready: async () => {} });
    const noDatabase = () => {
      throw new Error("this route uses no database");
    };
    mountInternalRoutes(app, [greet], noDatabase, {});
    service = await listen(app, 0, "127.0.0.1", async () => {});
    url = `http://127.0.0.1:${service.port}/graphql`;
  });
  after(() => service.close());
  beforeEach(() => {
    handled = [];
    logs.length = 0;
  });

  async function post(body: string, headers: Record<string, string> = {}) {
    const response = await fetch(`http://127.0.0.1:${service.port}${greetRoute.path}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${await signServiceToken("test")}`, ...headers },
      body,
    });
    return { status: response.status, body: (await response.json()) as any };
  }

  it("answers a valid call with the declared response, fields it does not declare dropped both ways", async () => {
    const answer = await post(JSON.stringify({ name: "ada", times: 2, extra: "ignored" }));
    assert.deepEqual(answer, { status: 200, body: { greeting: "hello adahello ada", times: 2 } });
    assert.deepEqual(handled, [{ name: "ada", times: 2, actingFor: { kind: "anonymous" } }]);
  });

  it("refuses a malformed request with 400 naming what is wrong, without running the handler", async () => {
    const cases: [string, string][] = [
      [JSON.stringify({ name: 7, times: 1 }), "name: Invalid input: expected string, received number"],
      [JSON.stringify({ name: "ada" }), "times: Invalid input: expected number, received undefined"],
      [JSON.stringify({}), "name: Invalid input: expected string, received undefined; times: Invalid input: expected number, received undefined"],
      [JSON.stringify({ name: "x".repeat(1_500), times: 1 }), "name: Too big: expected string to have <=100 characters"],
      [JSON.stringify({ name: "ada", times: 1.5 }), "times: Invalid input: expected int, received number"],
      [JSON.stringify([1, 2]), "(body): Invalid input: expected object, received array"],
      ["{not json", "the body is not a JSON object"],
      ["null", "the body is not a JSON object"],
    ];
    for (const [body, problem] of cases) {
      const answer = await post(body);
      assert.equal(answer.status, 400, body.slice(0, 40));
      assert.equal(answer.body.error, `invalid request to /internal/test/greet: ${problem}`);
    }
    const huge = await post(JSON.stringify({ name: "x".repeat(5_000), times: 1 }));
    assert.equal(huge.status, 413, "past maxBodyBytes");
    assert.equal(huge.body.error, "request body is larger than 2048 bytes");
    assert.deepEqual(handled, [], "no malformed request reached the handler");
  });

  it("never echoes a refused value back", async () => {
    const answer = await post(JSON.stringify({ name: `${"s3cret".repeat(100)}`, times: 1 }));
    assert.equal(answer.status, 400);
    assert.ok(!answer.body.error.includes("s3cret"), answer.body.error);
  });

  it("answers a declared refusal with its status and message", async () => {
    assert.deepEqual(await post(JSON.stringify({ name: "nobody", times: 1 })), { status: 404, body: { error: "nobody of that name" } });
  });

  it("does not send an answer that breaks the declaration: 500, logged as a bug", async () => {
    for (const name of ["buggy", "teapot"]) {
      const answer = await post(JSON.stringify({ name, times: 1 }));
      assert.deepEqual(answer, { status: 500, body: { error: "internal error" } }, name);
    }
    assert.equal(logs.length, 2);
    const [buggy, teapot] = logs.map((line) => JSON.parse(line));
    assert.equal(buggy.msg, "internal route bug: response does not match its declaration");
    assert.match(
      buggy.err.message,
      /\/internal\/test\/greet answered a body that does not match its declared response: greeting: Invalid input: expected string, received number/,
    );
    assert.match(teapot.err.message, /status 418 is not among its declared errors/);
  });

  it("keeps the internal-secret guard: 401 without a service token, the handler never run", async () => {
    for (const authorization of [undefined, "Bearer forged", `Bearer ${(await signServiceToken("test")).slice(0, -2)}xx`]) {
      const response = await fetch(`http://127.0.0.1:${service.port}${greetRoute.path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ name: "ada", times: 1 }),
      });
      assert.equal(response.status, 401);
      assert.deepEqual(await response.json(), { error: "unauthorised" });
    }
    assert.deepEqual(handled, []);
  });

  it("is called through callInternal with typed answers, acting for the caller's identity", async () => {
    const ok = await callInternal(greetRoute, url, { name: "ada", times: 1 }, { caller: "test", actingFor: student });
    assert.deepEqual(ok, { status: 200, body: { greeting: "hello ada", times: 1 } });
    assert.deepEqual(handled, [{ name: "ada", times: 1, actingFor: student }]);
    assert.deepEqual(await callInternal(greetRoute, url, { name: "nobody", times: 1 }, { caller: "test" }), { status: 404, error: "nobody of that name" });
    await assert.rejects(callInternal(greetRoute, url, { name: "buggy", times: 1 }, { caller: "test" }), (error: unknown) => {
      assert.ok(error instanceof InternalCallFailed);
      assert.equal(error.status, 500);
      return true;
    });
  });
});

describe("internal routes: the caller's side", () => {
  /** A stand-in callee answering whatever `reply` says: it is the kit's client under test. */
  let reply: { status: number; body: string } = { status: 200, body: "{}" };
  const received: { authorization?: string; identity?: string; body: string }[] = [];
  let server: http.Server;
  let url: string;

  before(async () => {
    server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        received.push({ authorization: req.headers.authorization, identity: req.headers[IDENTITY_HEADER] as string | undefined, body });
        res.writeHead(reply.status, { "content-type": "application/json" }).end(reply.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    received.length = 0;
  });

  const call = () => callInternal(greetRoute, url, { name: "ada", times: 1 }, { caller: "test", actingFor: student });

  async function failsWith(pattern: RegExp, status?: number) {
    await assert.rejects(call(), (error: unknown) => {
      assert.ok(error instanceof InternalCallFailed, String(error));
      assert.match(error.message, pattern);
      assert.equal(error.status, status);
      return true;
    });
  }

  it("sends the checked body, its service token and the identity it acts for", async () => {
    reply = { status: 200, body: JSON.stringify({ greeting: "hi", times: 1, more: "dropped" }) };
    assert.deepEqual(await call(), { status: 200, body: { greeting: "hi", times: 1 } });
    assert.equal(received.length, 1);
    assert.deepEqual(JSON.parse(received[0].body), { name: "ada", times: 1 });
    assert.equal(await verifyServiceToken(received[0].authorization?.replace(/^Bearer /, "")), "test");
    assert.deepEqual(await verifyIdentity(received[0].identity), student);
  });

  it("treats a 200 of the wrong shape as the callee failing", async () => {
    for (const body of [JSON.stringify({ greeting: 1, times: 1 }), JSON.stringify({ greeting: "hi" }), "null", JSON.stringify([{ greeting: "hi", times: 1 }])]) {
      reply = { status: 200, body };
      await failsWith(/^internal call to \/internal\/test\/greet failed: HTTP 200 with a body that does not match its declaration: /, 200);
    }
    reply = { status: 200, body: "<html>oops</html>" };
    await failsWith(/HTTP 200 with a body that is not JSON/, 200);
  });

  it("treats an undeclared status, or a declared one of the wrong shape, as the callee failing", async () => {
    reply = { status: 404, body: JSON.stringify({ error: "nobody of that name" }) };
    assert.deepEqual(await call(), { status: 404, error: "nobody of that name" });
    reply = { status: 404, body: JSON.stringify({ reason: "no error field" }) };
    await failsWith(/HTTP 404 with a body that does not match its declaration: error: /, 404);
    for (const status of [400, 401, 403, 413, 500, 503]) {
      reply = { status, body: JSON.stringify({ error: "x" }) };
      await failsWith(new RegExp(`failed: HTTP ${status}$`), status);
    }
  });

  it("checks its own request before sending it: nothing is sent", async () => {
    const bad = { name: "", times: 9 };
    await assert.rejects(
      callInternal(greetRoute, url, bad, { caller: "test" }),
      /the request does not match its declaration: name: Too small: expected string to have >=1 characters; times: Too big: expected number to be <=3/,
    );
    assert.equal(received.length, 0);
  });

  it("treats an unreachable callee as failing", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await assert.rejects(callInternal(greetRoute, `http://127.0.0.1:${port}/graphql`, { name: "ada", times: 1 }, { caller: "test" }), InternalCallFailed);
  });
});

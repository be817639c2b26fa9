import assert from "node:assert/strict";
import crypto from "node:crypto";
import { after, before, describe, it } from "node:test";
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, IDENTITY_HEADER, platformSecrets } from "@solo/kit";
import { SignJWT } from "jose";
import { signAccessToken } from "../src/access-tokens";
import { connect, subscribe } from "../src/live";
import type { GraphQLResponse, Stack } from "../src/stack";
import { PASSWORD, contractOperation, register, registerAdmin, startStack, tableSnapshot, uniqueEmail } from "../src/stack";

/**
 * Every bad request gets a GraphQL error with a code, a sensible HTTP status, and changes nothing:
 * the users schema is fingerprinted before and after each case.
 */
describe("bad input", () => {
  let stack: Stack;
  let account: Awaited<ReturnType<typeof register>>;
  let revokedKey: string;

  before(async () => {
    stack = await startStack({ gateway: { limits: { maxDepth: 5, maxAliases: 10, maxTokens: 500, maxBodyBytes: 8_192 } } });
    account = await register(stack);
    const created = await account.client.op("CreateApiKey", { input: { name: "old", scopes: ["users:read"] } });
    revokedKey = created.data.createApiKey.secret;
    await account.client.op("RevokeApiKey", { id: created.data.createApiKey.apiKey.id });
  });
  after(() => stack.close());

  async function expectRefused(
    send: () => Promise<GraphQLResponse>,
    // `records`: the one table the refusal is meant to write (a failed login is counted per email).
    expected: { code: string; status?: number; message?: RegExp; records?: string },
    // `any` lets a test body return this promise directly (node:test wants Promise<void>).
  ): Promise<any> {
    const before = await tableSnapshot(stack, "users");
    const response = await send();
    assert.ok(response.errors?.length, `expected an error, got ${JSON.stringify(response.data)}`);
    assert.equal(response.errors[0].extensions?.code, expected.code, JSON.stringify(response.errors));
    if (expected.status) assert.equal(response.status, expected.status);
    if (expected.message) assert.match(response.errors[0].message, expected.message);
    assert.ok(!response.data || Object.values(response.data).every((value) => value === null), "no data for a refused request");
    const after = await tableSnapshot(stack, "users");
    if (expected.records) {
      assert.notEqual(after[expected.records], before[expected.records], `${expected.records} records the refusal`);
      delete after[expected.records];
      delete before[expected.records];
    }
    assert.deepEqual(after, before, "the database is unchanged");
    return response;
  }

  const signAccountToken = (claims: Record<string, unknown>, expiresAt: string | number, privateKey?: string) =>
    signAccessToken(account.user.id, claims, { issuedAt: Math.floor(Date.now() / 1000) - 3600, expiresAt }, privateKey);

  it("malformed JSON", async () => {
    await expectRefused(() => stack.client().raw('{"query": "{ me { id } }"'), { code: "BAD_REQUEST", status: 400, message: /not valid JSON/ });
  });

  it("a body that is not an operation", () => expectRefused(() => stack.client().raw('{"variables": {}}'), { code: "BAD_REQUEST", status: 400 }));

  // A document that does not parse or validate, or variables that do not fit, answer 200 in
  // application/json (what these requests get), as the GraphQL-over-HTTP spec says (gateway-http.test.ts).
  it("a query with a syntax error", () => expectRefused(() => stack.client().request("{ me { id "), { code: "GRAPHQL_PARSE_FAILED", status: 200 }));

  it("a field that does not exist", () => expectRefused(() => stack.client().request("{ me { password } }"), { code: "GRAPHQL_VALIDATION_FAILED", status: 200 }));

  it("variables of the wrong type", () =>
    expectRefused(() => stack.client().op("Register", { input: { email: 42, password: true, displayName: ["x"] } }), {
      code: "BAD_USER_INPUT",
      status: 200,
    }));

  it("missing required variables", () => expectRefused(() => stack.client().op("Login", { email: "a@b.test" }), { code: "BAD_USER_INPUT", status: 200 }));

  it("an oversized body", () =>
    expectRefused(() => stack.client().op("Register", { input: { email: "big@x.test", password: "x".repeat(20_000), displayName: "Big" } }), {
      code: "PAYLOAD_TOO_LARGE",
      status: 413,
    }));

  it("a document with too many tokens", () =>
    expectRefused(() => stack.client().request(`{ ${Array.from({ length: 600 }, () => "__typename").join(" ")} }`), {
      code: "BAD_REQUEST",
      status: 400,
      message: /too large/,
    }));

  it("a depth bomb", () =>
    expectRefused(() => account.client.request("{ auditLog { edges { node { actor { apiKeys { id } } } } } }"), {
      code: "GRAPHQL_VALIDATION_FAILED",
      status: 200,
      message: /depth/i,
    }));

  it("an alias bomb", () =>
    expectRefused(() => account.client.request(`{ ${Array.from({ length: 12 }, (_, i) => `a${i}: me { id }`).join(" ")} }`), {
      code: "GRAPHQL_VALIDATION_FAILED",
      status: 200,
      message: /alias/i,
    }));

  it("batched operations", () =>
    expectRefused(() => account.client.raw(JSON.stringify(Array.from({ length: 50 }, () => ({ query: "{ me { id } }" })))), {
      code: "BAD_REQUEST",
      status: 400,
      message: /Batched/,
    }));

  it("a wrong password", () =>
    expectRefused(() => stack.client().op("Login", { email: account.email, password: "not the password" }), {
      code: "UNAUTHENTICATED",
      records: "login_failures",
    }));

  it("a registration that repeats an email", () =>
    expectRefused(() => stack.client().op("Register", { input: { email: account.email, password: PASSWORD, displayName: "Twin" } }), { code: "CONFLICT" }));

  it("an expired access token", async () => {
    const expired = await signAccountToken({ role: "ADMIN", sid: crypto.randomUUID() }, Math.floor(Date.now() / 1000) - 60);
    const response = await expectRefused(() => stack.client({ token: expired }).request("{ me { id } }"), {
      code: "UNAUTHENTICATED",
      status: 401,
      message: /expired/,
    });
    assert.equal(response.errors![0].extensions?.reason, "TOKEN_EXPIRED");
  });

  it("a token signed with another key", async () => {
    const { privateKey } = crypto.generateKeyPairSync("ed25519");
    const forged = await signAccountToken({ role: "ADMIN", sid: crypto.randomUUID() }, "10m", privateKey.export({ type: "pkcs8", format: "pem" }).toString());
    await expectRefused(() => stack.client({ token: forged }).op("UserDirectory", { first: 1 }), { code: "UNAUTHENTICATED", status: 401 });
  });

  it("a tampered token (role claim edited)", async () => {
    const [header, payload, signature] = account.accessToken.split(".");
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
    const tampered = [header, Buffer.from(JSON.stringify({ ...claims, role: "ADMIN" })).toString("base64url"), signature].join(".");
    await expectRefused(() => stack.client({ token: tampered }).op("UserDirectory", { first: 1 }), { code: "UNAUTHENTICATED", status: 401 });
  });

  it("an alg: none token", async () => {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${encode({ alg: "none", typ: "JWT" })}.${encode({
      sub: account.user.id,
      role: "ADMIN",
      sid: crypto.randomUUID(),
      iss: ACCESS_TOKEN_ISSUER,
      aud: ACCESS_TOKEN_AUDIENCE,
      iat: now,
      exp: now + 600,
    })}.`;
    await expectRefused(() => stack.client({ token: unsigned }).op("UserDirectory", { first: 1 }), { code: "UNAUTHENTICATED", status: 401 });
  });

  it("an HS256 token keyed with the public key (algorithm confusion)", async () => {
    const confused = await new SignJWT({ role: "ADMIN", sid: crypto.randomUUID() })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(account.user.id)
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setExpirationTime("10m")
      .sign(new TextEncoder().encode(platformSecrets().jwtPublicKey));
    await expectRefused(() => stack.client({ token: confused }).op("UserDirectory", { first: 1 }), { code: "UNAUTHENTICATED", status: 401 });
  });

  it("a malformed Authorization header", () =>
    expectRefused(() => stack.client({ headers: { authorization: "Basic dXNlcjpwYXNz" } }).request("{ me { id } }"), {
      code: "UNAUTHENTICATED",
      status: 401,
    }));

  it("a revoked API key", () =>
    expectRefused(() => stack.client({ apiKey: revokedKey }).request("{ me { id } }"), {
      code: "UNAUTHENTICATED",
      status: 401,
      message: /revoked/,
    }));

  it("a made-up API key", () =>
    expectRefused(() => stack.client({ apiKey: `solo_${"0".repeat(32)}_${"A".repeat(43)}` }).request("{ me { id } }"), {
      code: "UNAUTHENTICATED",
      status: 401,
    }));

  it("an id that is not a UUID", async () => {
    const admin = await registerAdmin(stack);
    await expectRefused(() => admin.client.op("SetUserRole", { userId: "abc", role: "ADMIN" }), { code: "NOT_FOUND" });
    await expectRefused(() => admin.client.op("RevokeApiKey", { id: "'; drop table users; --" }), { code: "NOT_FOUND" });
  });

  it("a well-formed cursor that names no row", async () => {
    const admin = await registerAdmin(stack);
    const cursor = Buffer.from(JSON.stringify(["2026-01-01T00:00:00.000Z", "not-a-uuid"])).toString("base64url");
    await expectRefused(() => admin.client.op("UserDirectory", { first: 2, after: cursor }), { code: "BAD_USER_INPUT" });
  });

  it("NUL characters in text", async () => {
    await expectRefused(() => stack.client().op("Register", { input: { email: "nul@example.test", password: PASSWORD, displayName: "Nul\u0000Byte" } }), {
      code: "BAD_USER_INPUT",
      message: /NUL/,
    });
    await expectRefused(() => stack.client().op("Login", { email: "a\u0000@example.test", password: PASSWORD }), {
      code: "BAD_USER_INPUT",
    });
    await expectRefused(() => account.client.op("CreateApiKey", { input: { name: "\u0000", scopes: ["users:read"] } }), {
      code: "BAD_USER_INPUT",
    });
  });

  it("an operationName the document does not define, or none for a document of several: nothing runs", async () => {
    const document = "mutation Out { logout } query Who { me { id } }";
    await expectRefused(() => account.client.request(document, {}, "Gone"), {
      code: "OPERATION_RESOLUTION_FAILURE",
      status: 400,
      message: /no operation named "Gone"/,
    });
    await expectRefused(() => account.client.request(document), { code: "OPERATION_RESOLUTION_FAILURE", status: 400, message: /operationName/ });
    await expectRefused(() => account.client.request("query Who { me { id } }", {}, "Gone"), { code: "OPERATION_RESOLUTION_FAILURE", status: 400 });
    assert.ok((await account.client.request("{ me { id } }")).data.me, "the session was not logged out");
  });

  it("a subscription sent over HTTP", () =>
    expectRefused(() => account.client.request("subscription { liveStudyStats { activeSessions } }"), {
      code: "BAD_REQUEST",
      status: 400,
      message: /graphql-ws/,
    }));

  it("a persisted-query hash that does not match its query", () =>
    expectRefused(() => account.client.raw(JSON.stringify({ query: "{ me { id } }", extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } } })), {
      code: "BAD_REQUEST",
      status: 400,
    }));

  it("a cursor whose date Postgres cannot store, or not as the API writes it, on connections of every subgraph", async () => {
    const admin = await registerAdmin(stack);
    const connections = ["UserDirectory", "AuditLog", "CourseCatalog", "ReadingMaterials", "MockTests"];
    for (const iso of [
      "+099999-01-01T00:00:00.000Z",
      "+010000-01-01T00:00:00.000Z",
      "0000-01-01T00:00:00.000Z",
      "-271821-04-20T00:00:00.000Z",
      "2026-01-01T00:00:00Z",
      "2026-01-01",
    ]) {
      const after = Buffer.from(JSON.stringify([iso, "00000000-0000-4000-8000-000000000000"])).toString("base64url");
      for (const operation of connections) {
        const response = await admin.client.op(operation, { first: 2, after });
        assert.deepEqual(
          response.errors?.map((error: { extensions?: Record<string, unknown> }) => [error.extensions?.code, error.extensions?.field]),
          [["BAD_USER_INPUT", "after"]],
          `${operation} ${iso}: ${JSON.stringify(response.errors)}`,
        );
      }
    }
  });

  it("control, line-break and bidi characters in a display name: register and updateProfile refuse them, nothing stored", async () => {
    for (const displayName of ["Ada\u0007", "Ada\nLovelace", "Ada\tLovelace", "\u202Enimda", "Ada \u2066x\u2069", "Ada\u0085", "Ada\u007F", "Ada\u001b[2J"]) {
      await expectRefused(() => stack.client().op("Register", { input: { email: uniqueEmail(), password: PASSWORD, displayName } }), {
        code: "BAD_USER_INPUT",
        message: /displayName/,
      });
      await expectRefused(() => account.client.op("UpdateProfile", { input: { displayName } }), { code: "BAD_USER_INPUT", message: /displayName/ });
    }
    const stored = await stack.db.query("select display_name from users.users where id = $1", [account.user.id]);
    assert.equal(stored.rows[0].display_name, "Test User");
  });

  it("over graphql-ws: a syntax error, an invalid document, a query, no operation to choose and a wrong variable are coded errors, and the socket stays open", async () => {
    const live = connect(stack.wsUrl, { authorization: `Bearer ${account.accessToken}` });
    const cases: [string, Record<string, unknown>, string][] = [
      ["subscription {", {}, "GRAPHQL_PARSE_FAILED"],
      ["subscription { noSuchField }", {}, "GRAPHQL_VALIDATION_FAILED"],
      ["{ me { id } }", {}, "BAD_REQUEST"],
      ["subscription A { liveStudyStats { at } } subscription B { liveStudyStats { at } }", {}, "OPERATION_RESOLUTION_FAILURE"],
      [contractOperation("StudySessionUpdated"), { sessionId: null }, "BAD_USER_INPUT"],
      [contractOperation("StudySessionUpdated"), { sessionId: "a\u202Eb" }, "BAD_USER_INPUT"],
      // An empty id is no id (as "every course" it would wait on a topic nothing publishes).
      [contractOperation("LiveStudyStats"), { courseId: "" }, "BAD_USER_INPUT"],
    ];
    for (const [query, variables, code] of cases) {
      const [result] = await subscribe(live, query, variables).next(1);
      assert.equal(result.errors?.[0]?.extensions?.code, code, `${query}: ${JSON.stringify(result)}`);
    }
    const closed = await Promise.race([live.closed, new Promise((resolve) => setTimeout(() => resolve("open"), 100))]);
    assert.equal(closed, "open");
    await live.client.dispose();
  });

  it("an identity header sent by a client is not passed on (the gateway signs its own)", async () => {
    const response = await stack.client({ headers: { [IDENTITY_HEADER]: "eyJhbGciOiJIUzI1NiJ9.e30.forged" } }).request("{ me { id } }");
    assert.deepEqual(response.data, { me: null });
  });

  it("a reused refresh token: refused, and the only changes are that login's revocation and its audit row", async () => {
    const victim = await register(stack);
    await stack.client().op("RefreshSession", { refreshToken: victim.refreshToken });
    const before = await tableSnapshot(stack, "users");
    const response = await stack.client().op("RefreshSession", { refreshToken: victim.refreshToken });
    assert.equal(response.errors?.[0].extensions?.code, "UNAUTHENTICATED");
    const afterwards = await tableSnapshot(stack, "users");
    assert.deepEqual({ ...afterwards, sessions: undefined, audit_log: undefined }, { ...before, sessions: undefined, audit_log: undefined });
    const sessions = await stack.db.query("select revoked_reason from users.sessions where user_id = $1", [victim.user.id]);
    assert.deepEqual(sessions.rows, [{ revoked_reason: "refresh_token_reuse" }]);
    const audit = await stack.db.query("select action, resource_type from users.audit_log where actor_id = $1 order by created_at", [victim.user.id]);
    assert.deepEqual(
      audit.rows.map((row) => row.action),
      ["user.registered", "session.revoked_on_reuse"],
    );
  });
});

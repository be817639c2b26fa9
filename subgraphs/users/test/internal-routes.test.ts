import "reflect-metadata";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { decodeJwt } from "jose";
import { Client } from "pg";
import type { Identity, RunningSubgraph } from "@solo/kit";
import { ANONYMOUS, IDENTITY_HEADER, callInternal, deliverAuditEventsRoute, runSubgraph, signIdentity } from "@solo/kit";
import { createTestDatabase, internalRouteProbe } from "@solo/kit/dist/src/testing";
import { verifyApiKeyRoute, verifySessionRoute } from "../src/internal-api";
import users from "../src/subgraph";

describe("users' internal routes, as declared", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let service: RunningSubgraph;
  let db: Client;
  let account: { userId: string; sessionId: string; apiKey: string };

  before(async () => {
    database = await createTestDatabase("users_internal");
    service = await runSubgraph(users, { databaseUrl: database.url });
    db = new Client({ connectionString: database.url });
    await db.connect();
    account = await signUp();
    // The registration's mail goes out now, not while a refused call's tables are being compared.
    await service.settle();
  });
  after(async () => {
    await db.end();
    await service.close();
    await database.drop();
  });

  async function graphql(query: string, variables: object, identity: Identity = ANONYMOUS) {
    const headers = { "content-type": "application/json", [IDENTITY_HEADER]: await signIdentity(identity) };
    const response = await fetch(service.url, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as { data?: any; errors?: unknown[] };
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    return body.data;
  }

  async function signUp() {
    const registered = await graphql(
      `
        mutation ($input: RegisterInput!) {
          register(input: $input) {
            accessToken
            user {
              id
            }
          }
        }
      `,
      {
        input: { email: "internal.routes@example.test", password: "long enough password", displayName: "Internal Routes" },
      },
    );
    const userId: string = registered.register.user.id;
    const sessionId = decodeJwt(registered.register.accessToken).sid as string;
    const created = await graphql(
      `
        mutation ($input: CreateApiKeyInput!) {
          createApiKey(input: $input) {
            secret
          }
        }
      `,
      { input: { name: "partner", scopes: ["content:read"] } },
      { kind: "user", userId, role: "STUDENT", sessionId },
    );
    return { userId, sessionId, apiKey: created.createApiKey.secret as string };
  }

  /** Raw bodies, as a platform service would send them, change no table when refused. */
  const refusesEach = (path: string, cases: [unknown, RegExp][]) => internalRouteProbe(service.url, db, "users").refusesEach(path, cases);

  it("/internal/api-keys/verify: the key's owner and scopes, 404 for a made-up key, 400 for a malformed body", async () => {
    const verified = await callInternal(verifyApiKeyRoute, service.url, { key: account.apiKey }, { caller: "test" });
    assert.equal(verified.status, 200);
    assert.deepEqual(
      { ...verified.body, apiKeyId: typeof verified.body.apiKeyId },
      { apiKeyId: "string", userId: account.userId, role: "STUDENT", scopes: ["content:read"], trustedDocumentsOnly: false, variant: null },
    );
    assert.deepEqual(await callInternal(verifyApiKeyRoute, service.url, { key: "solo_madeup" }, { caller: "test" }), { status: 404, error: "unknown or revoked key" });
    await refusesEach(verifyApiKeyRoute.path, [
      [{}, /^[^;]*key: Invalid input: expected string, received undefined$/],
      [{ key: 42 }, /key: Invalid input: expected string, received number/],
      [{ key: [account.apiKey] }, /key: Invalid input: expected string, received array/],
      [{ key: "" }, /key: Too small/],
      [{ key: `${account.apiKey}${"x".repeat(100_000)}` }, /key: Too big: expected string to have <=16384 characters/],
      [null, /the body is not a JSON object/],
      [[account.apiKey], /\(body\): Invalid input: expected object, received array/],
    ]);
  });

  it("/internal/sessions/verify: the role as it is now, 404 once the session ended, 400 for a malformed body", async () => {
    const { userId, sessionId } = account;
    assert.deepEqual(await callInternal(verifySessionRoute, service.url, { sessionId, userId }, { caller: "test" }), { status: 200, body: { userId, role: "STUDENT" } });
    await refusesEach(verifySessionRoute.path, [
      [{}, /sessionId: Invalid input: expected string, received undefined; userId: Invalid input: expected string, received undefined/],
      [{ sessionId, userId: 7 }, /^[^;]*userId: Invalid input: expected string, received number$/],
      [{ sessionId: "not a uuid", userId }, /sessionId: must be a UUID/],
      [{ sessionId: `${sessionId}${"0".repeat(500_000)}`, userId }, /sessionId: must be a UUID/],
    ]);
    await db.query("update users.sessions set revoked_at = now() where id = $1", [sessionId]);
    assert.deepEqual(await callInternal(verifySessionRoute, service.url, { sessionId, userId }, { caller: "test" }), { status: 404, error: "session ended" });
  });

  it("/internal/audit-events: stores well-formed events once, names malformed ones back, 400 for a malformed batch", async () => {
    const event = {
      id: "00000000-0000-4000-8000-0000000000e1",
      actorId: account.userId,
      action: "course.published",
      resourceType: "Course",
      resourceId: "c1",
      createdAt: new Date().toISOString(),
    };
    const malformed = { ...event, id: "00000000-0000-4000-8000-0000000000e2", resourceId: "" };
    const delivered = await callInternal(deliverAuditEventsRoute, service.url, { events: [event, malformed] }, { caller: "test" });
    assert.deepEqual(delivered, { status: 200, body: { accepted: 1, rejected: [malformed.id] } });
    const again = await callInternal(deliverAuditEventsRoute, service.url, { events: [event] }, { caller: "test" });
    assert.deepEqual(again.status === 200 && again.body, { accepted: 1, rejected: [] });
    const stored = await db.query("select id, action from users.audit_log where id in ($1, $2)", [event.id, malformed.id]);
    assert.deepEqual(stored.rows, [{ id: event.id, action: "course.published" }], "stored once, the malformed one not at all");

    const fresh = { ...event, id: "00000000-0000-4000-8000-0000000000e3" };
    await refusesEach(deliverAuditEventsRoute.path, [
      [{}, /events: Invalid input: expected array, received undefined/],
      [{ events: "all of them" }, /events: Invalid input: expected array, received string/],
      [{ events: [fresh, 1] }, /events\[1\]: Invalid input: expected object, received number/],
      [{ events: [fresh, { ...fresh, id: undefined }] }, /events\[1\]\.id: Invalid input: expected string, received undefined/],
      [{ events: [fresh, { ...fresh, id: "x".repeat(300_000) }] }, /events\[1\]\.id: Too big: expected string to have <=200 characters/],
      [{ events: Array.from({ length: 1_001 }, () => ({ id: "e" })) }, /events: Too big: expected array to have <=1000 items/],
    ]);
  });
});

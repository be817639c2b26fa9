import assert from "node:assert/strict";
import crypto from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { GraphQLClient, Stack } from "../src/stack";
import { PASSWORD, mailTo, register, registerAdmin, startStack } from "../src/stack";

const REQUEST_RESET = "mutation ($email: String!) { requestPasswordReset(email: $email) }";
const RESET = "mutation ($token: String!, $password: String!) { resetPassword(token: $token, newPassword: $password) }";

/** The gateway's gateway_credential_checks_total for `kind`, by source. */
async function credentialChecks(origin: string, kind: "session" | "api_key"): Promise<{ cache: number; users: number }> {
  const text = await (await fetch(`${origin}/metrics`)).text();
  const counts = { cache: 0, users: 0 };
  for (const match of text.matchAll(/^gateway_credential_checks_total\{([^}]*)\} (\d+)$/gm)) {
    const labels = Object.fromEntries([...match[1].matchAll(/(\w+)="([^"]*)"/g)].map(([, name, value]) => [name, value]));
    if (labels.kind === kind) counts[labels.source as "cache" | "users"] += Number(match[2]);
  }
  return counts;
}

function codeOf(response: { errors?: { extensions?: Record<string, unknown> }[] }): unknown {
  return response.errors?.[0]?.extensions?.code;
}

/** Sends `query` until it is refused with `code`; how long that took (ms), or a failure after 5 s. */
async function refusedAfter(client: GraphQLClient, query: string, code: string, variables?: Record<string, unknown>): Promise<number> {
  const started = Date.now();
  for (;;) {
    const answer = await client.request(query, variables);
    if (codeOf(answer) === code) return Date.now() - started;
    if (Date.now() - started > 5_000) assert.fail(`still ${JSON.stringify(answer)} after 5 s`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const ME = "{ me { id } }";
const DIRECTORY = "{ users(first: 1) { totalCount } }";

/**
 * Two gateway replicas over one set of subgraphs and one event bus. Each asks users about a session
 * or key once, then answers from its cache; a logout, a role change, a password reset and a revoked
 * key hold at once on the replica that carried them (the response says so) and within a second on
 * the other (the bus does).
 */
describe("the gateway's credential cache", () => {
  let stack: Stack;
  let replica: Awaited<ReturnType<Stack["startGatewayReplica"]>>;
  before(async () => {
    stack = await startStack();
    replica = await stack.startGatewayReplica();
  });
  after(() => stack?.close());

  it("asks users once per session and once per key, then answers from the cache", async () => {
    const account = await register(stack);
    const sessionsBefore = await credentialChecks(stack.origin, "session");
    for (let request = 0; request < 5; request += 1) assert.equal((await account.client.request(ME)).data.me.id, account.user.id);
    const sessionsAfter = await credentialChecks(stack.origin, "session");
    assert.deepEqual({ users: sessionsAfter.users - sessionsBefore.users, cache: sessionsAfter.cache - sessionsBefore.cache }, { users: 1, cache: 4 });

    const newKey = async (name: string) =>
      stack.client({ apiKey: (await account.client.op("CreateApiKey", { input: { name, scopes: ["users:read"] } })).data.createApiKey.secret });
    const [alone, together] = [await newKey("alone"), await newKey("together")];
    const keysBefore = await credentialChecks(stack.origin, "api_key");
    const firstUse = await stack.measure(async () => {
      assert.equal((await alone.request(ME)).data.me.id, account.user.id);
    });
    // Three first uses at once share one call to users: two more `me` statements, no more checks.
    // (Each under its own alias: identical queries at once would share their fetch to users too.)
    const firstUsesAtOnce = await stack.measure(async () => {
      await Promise.all(
        ["first", "second", "third"].map(async (alias) => assert.equal((await together.request(`{ ${alias}: me { id } }`)).data[alias].id, account.user.id)),
      );
    });
    assert.equal(firstUsesAtOnce.sql.users, firstUse.sql.users + 2, JSON.stringify({ firstUse, firstUsesAtOnce }));
    const cachedUse = await stack.measure(async () => {
      for (let request = 0; request < 3; request += 1) assert.equal((await together.request(ME)).data.me.id, account.user.id);
    });
    assert.equal(cachedUse.sql.users, 3, "a cached key costs users only each query's own statement");
    const keysAfter = await credentialChecks(stack.origin, "api_key");
    assert.deepEqual({ users: keysAfter.users - keysBefore.users, cache: keysAfter.cache - keysBefore.cache }, { users: 4, cache: 3 });
  });

  it("a logout holds at once on the replica that carried it, and within a second on the other", async () => {
    const account = await register(stack);
    const there = replica.client({ token: account.accessToken });
    assert.equal((await account.client.request(ME)).data.me.id, account.user.id);
    assert.equal((await there.request(ME)).data.me.id, account.user.id);

    assert.deepEqual((await account.client.op("Logout")).data, { logout: true });
    const here = await account.client.request(ME);
    assert.equal(here.errors?.[0].extensions?.reason, "SESSION_ENDED");
    const elapsed = await refusedAfter(there, ME, "UNAUTHENTICATED");
    assert.ok(elapsed < 1_000, `the other replica let the ended session in for ${elapsed} ms`);
  });

  it("a role change holds at once on the replica that carried it, and within a second on the other", async () => {
    const admin = await registerAdmin(stack);
    const demoted = await registerAdmin(stack);
    const there = replica.client({ token: demoted.accessToken });
    assert.equal(codeOf(await demoted.client.request(DIRECTORY)), undefined);
    assert.equal(codeOf(await there.request(DIRECTORY)), undefined);

    assert.equal((await admin.client.op("SetUserRole", { userId: demoted.user.id, role: "STUDENT" })).data.setUserRole.role, "STUDENT");
    assert.equal(codeOf(await demoted.client.request(DIRECTORY)), "FORBIDDEN");
    const elapsed = await refusedAfter(there, DIRECTORY, "FORBIDDEN");
    assert.ok(elapsed < 1_000, `the other replica kept the old role for ${elapsed} ms`);
  });

  it("a password reset ends every cached session of the account on both replicas", async () => {
    const account = await register(stack);
    const there = replica.client({ token: account.accessToken });
    assert.equal((await account.client.request(ME)).data.me.id, account.user.id);
    assert.equal((await there.request(ME)).data.me.id, account.user.id);

    await stack.client().request(REQUEST_RESET, { email: account.email });
    const mail = await mailTo(stack, account.email, /^Reset your SOLO password$/);
    assert.deepEqual((await stack.client().request(RESET, { token: mail.token, password: `${PASSWORD} again` })).data, { resetPassword: true });
    assert.equal((await account.client.request(ME)).errors?.[0].extensions?.reason, "SESSION_ENDED");
    const elapsed = await refusedAfter(there, ME, "UNAUTHENTICATED");
    assert.ok(elapsed < 1_000, `the other replica let a reset account's session in for ${elapsed} ms`);
  });

  it("the replica that carried a change holds it from its answer on, with no bus to hear it from", async () => {
    // A replica on a namespace of its own hears none of users' announcements: only the response can tell it.
    const deaf = await stack.startGatewayReplica({ eventBusNamespace: `deaf-${crypto.randomUUID()}` });
    const account = await register(stack);
    const client = deaf.client({ token: account.accessToken });
    assert.equal((await client.request(ME)).data.me.id, account.user.id);
    assert.deepEqual((await client.op("Logout")).data, { logout: true });
    assert.equal((await client.request(ME)).errors?.[0].extensions?.reason, "SESSION_ENDED");
  });

  it("a revoked key is refused at once on the replica that carried it, and within a second on the other", async () => {
    const owner = await register(stack);
    const { secret, apiKey } = (await owner.client.op("CreateApiKey", { input: { name: "revoked", scopes: ["users:read"] } })).data.createApiKey;
    const here = stack.client({ apiKey: secret });
    const there = replica.client({ apiKey: secret });
    assert.equal((await here.request(ME)).data.me.id, owner.user.id);
    assert.equal((await there.request(ME)).data.me.id, owner.user.id);

    assert.ok((await owner.client.op("RevokeApiKey", { id: apiKey.id })).data.revokeApiKey.revokedAt);
    const refused = await here.request(ME);
    assert.equal(refused.status, 401);
    assert.equal(refused.errors?.[0].extensions?.reason, "API_KEY_INVALID");
    const elapsed = await refusedAfter(there, ME, "UNAUTHENTICATED");
    assert.ok(elapsed < 1_000, `the other replica let the revoked key in for ${elapsed} ms`);
  });
});

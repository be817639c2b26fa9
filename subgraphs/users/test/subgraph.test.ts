import "reflect-metadata";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { SignJWT } from "jose";
import type { Identity, RunningSubgraph } from "@solo/kit";
import { ANONYMOUS, GATEWAY_KEY_HEADER, IDENTITY_HEADER, anonymousGatewayKey, countQueries, runSubgraph, signIdentity } from "@solo/kit";
import { createTestDatabase } from "@solo/kit/dist/src/testing";
import { entities } from "../src/entities";
import users from "../src/subgraph";

/** An identity token shaped like the gateway's, signed with a secret the subgraph does not hold. */
async function signedWithAnotherSecret(): Promise<string> {
  return new SignJWT({ identity: { kind: "user", userId: "u", role: "ADMIN", sessionId: "s" } })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuer("solo-gateway")
    .setAudience("solo-subgraphs")
    .setExpirationTime("1m")
    .sign(new TextEncoder().encode("another secret of at least thirty-two characters"));
}

describe("users subgraph, called directly", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let service: RunningSubgraph;

  before(async () => {
    database = await createTestDatabase("users");
    service = await runSubgraph(users, { databaseUrl: database.url });
  });
  after(async () => {
    await service.close();
    await database.drop();
  });

  /** As the gateway calls: with the caller's identity signed (anonymous callers too). */
  async function call(query: string, variables?: object, identity: Identity = ANONYMOUS) {
    const headers: Record<string, string> = { "content-type": "application/json", [IDENTITY_HEADER]: await signIdentity(identity) };
    const response = await fetch(service.url, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
    return (await response.json()) as { data?: any; errors?: any[] };
  }

  async function registerMany(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const result = await call(`mutation($input: RegisterInput!) { register(input: $input) { user { id } } }`, {
        input: { email: `batch${i}.${Date.now()}@example.test`, password: "long enough password", displayName: `Batch ${i}` },
      });
      ids.push(result.data.register.user.id);
    }
    return ids;
  }

  it("has applied its migrations, and the entities need no further ones", async () => {
    const pending = await service.orm.migrator.getPending();
    assert.deepEqual(pending, []);
    const diff = await service.orm.schema.getUpdateSchemaSQL({ wrap: false, schema: "users" });
    assert.equal(diff.trim(), "", `entities and migrations disagree; run npm run migration:create -- users:\n${diff}`);
    assert.equal(entities.length, 8);
  });

  it("resolves User references in one query for any number of them", async () => {
    const ids = await registerMany(50);
    const queries = countQueries(service.orm);
    const resolve = async (count: number) => {
      queries.reset();
      const representations = ids.slice(0, count).map((id) => ({ __typename: "User", id }));
      const result = await call(`query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id displayName } } }`, { r: representations });
      assert.equal(result.errors, undefined);
      assert.deepEqual(
        result.data._entities.map((user: any) => user.id),
        ids.slice(0, count),
      );
      return queries.value;
    };
    const atFive = await resolve(5);
    const atFifty = await resolve(50);
    assert.equal(atFive, 1);
    assert.equal(atFifty, atFive);
  });

  it("returns null for a reference to a user that does not exist, or to an id that is not a UUID", async () => {
    const result = await call(
      `{ _entities(representations: [{ __typename: "User", id: "00000000-0000-4000-8000-000000000000" }, { __typename: "User", id: "x'--" }]) { ... on User { id } } }`,
    );
    assert.equal(result.errors, undefined);
    assert.deepEqual(result.data._entities, [null, null]);
  });

  it("shows email, plan and time zone to the account itself and admins, and null to anyone else", async () => {
    const [ada, grace] = await registerMany(2);
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id email plan timezone apiKeys { id } } } }`;
    const both = { r: [ada, grace].map((id) => ({ __typename: "User", id })) };
    const asAda = await call(query, both, { kind: "user", userId: ada, role: "STUDENT", sessionId: ada });
    const [self, other] = asAda.data._entities;
    assert.match(self.email, /@example\.test$/);
    assert.equal(self.plan, "FREE");
    assert.deepEqual(self.apiKeys, []);
    assert.deepEqual(other, { id: grace, email: null, plan: null, timezone: null, apiKeys: null });
    const asAdmin = await call(query, both, { kind: "user", userId: "00000000-0000-4000-8000-000000000001", role: "ADMIN", sessionId: "s" });
    assert.ok(asAdmin.data._entities.every((user: any) => user.email && user.plan && user.timezone));
    const anonymous = await call(query, both);
    assert.ok(anonymous.data._entities.every((user: any) => user.email === null && user.apiKeys === null));
  });

  it("answers only callers holding the gateway's signed identity or its anonymous key; 401 for the rest", async () => {
    const [id] = await registerMany(1);
    const trusted = await call("{ me { id email } }", undefined, { kind: "user", userId: id, role: "STUDENT", sessionId: id });
    assert.equal(trusted.data.me.id, id);
    const post = (headers: Record<string, string>) =>
      fetch(service.url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ query: "{ me { id } }" }) });
    const refusals = {
      unsigned: await post({}),
      "alg none": await post({ [IDENTITY_HEADER]: "eyJhbGciOiJub25lIn0.eyJpZGVudGl0eSI6e319." }),
      "signed with another secret": await post({ [IDENTITY_HEADER]: await signedWithAnotherSecret() }),
      "wrong gateway key": await post({ [GATEWAY_KEY_HEADER]: anonymousGatewayKey().replace(/^./, (c) => (c === "A" ? "B" : "A")) }),
      // A valid gateway key does not rescue a forged identity: a present identity header must verify.
      "forged identity with the gateway key": await post({ [IDENTITY_HEADER]: "x.y.z", [GATEWAY_KEY_HEADER]: anonymousGatewayKey() }),
    };
    for (const [name, response] of Object.entries(refusals)) {
      assert.equal(response.status, 401, name);
      const body = (await response.json()) as any;
      assert.equal(body.errors[0].extensions.code, "UNAUTHENTICATED", name);
      assert.equal(body.data, undefined, name);
    }
    const viaKey = await post({ [GATEWAY_KEY_HEADER]: anonymousGatewayKey() });
    assert.equal(viaKey.status, 200);
    assert.deepEqual(((await viaKey.json()) as any).data, { me: null }, "the gateway key means an anonymous caller");
    for (const path of ["/health", "/ready", "/metrics"]) {
      assert.equal((await fetch(service.url.replace("/graphql", path))).status, 200, `${path} needs no identity`);
    }
  });

  it("keeps the internal API-key endpoint for callers holding the internal secret", async () => {
    const response = await fetch(service.url.replace("/graphql", "/internal/api-keys/verify"), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ key: "solo_x" }),
    });
    assert.equal(response.status, 401);
  });
});

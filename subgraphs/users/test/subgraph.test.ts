import "reflect-metadata";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { IDENTITY_HEADER, Identity, RunningService, Orm, countQueries, signIdentity } from "@solo/kit";
import { createTestDatabase } from "@solo/kit/dist/src/testing";
import { startUsersSubgraph } from "../src/app";
import { entities } from "../src/entities";

describe("users subgraph, called directly", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let service: RunningService & { orm: Orm };

  before(async () => {
    database = await createTestDatabase("users");
    service = await startUsersSubgraph({ port: 0, databaseUrl: database.url });
  });
  after(async () => {
    await service.close();
    await database.drop();
  });

  async function call(query: string, variables?: object, identity?: Identity) {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (identity) headers[IDENTITY_HEADER] = await signIdentity(identity);
    const response = await fetch(service.url, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
    return (await response.json()) as { data?: any; errors?: any[] };
  }

  async function registerMany(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const result = await call(
        `mutation($input: RegisterInput!) { register(input: $input) { user { id } } }`,
        { input: { email: `batch${i}.${Date.now()}@example.test`, password: "long enough password", displayName: `Batch ${i}` } },
      );
      ids.push(result.data.register.user.id);
    }
    return ids;
  }

  it("has applied its migrations, and the entities need no further ones", async () => {
    const pending = await service.orm.getMigrator().getPendingMigrations();
    assert.deepEqual(pending, []);
    const diff = await service.orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false, schema: "users" });
    assert.equal(diff.trim(), "", `entities and migrations disagree; run npm run migration:create -- users:\n${diff}`);
    assert.equal(entities.length, 8);
  });

  it("resolves User references in one query for any number of them", async () => {
    const ids = await registerMany(50);
    const queries = countQueries(service.orm);
    const resolve = async (count: number) => {
      queries.reset();
      const representations = ids.slice(0, count).map((id) => ({ __typename: "User", id }));
      const result = await call(
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id displayName } } }`,
        { r: representations },
      );
      assert.equal(result.errors, undefined);
      assert.deepEqual(result.data._entities.map((user: any) => user.id), ids.slice(0, count));
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

  it("trusts an identity only when the gateway signed it", async () => {
    const [id] = await registerMany(1);
    const trusted = await call("{ me { id email } }", undefined, { kind: "user", userId: id, role: "STUDENT", sessionId: id });
    assert.equal(trusted.data.me.id, id);
    const forged = await fetch(service.url, {
      method: "POST",
      headers: { "content-type": "application/json", [IDENTITY_HEADER]: "eyJhbGciOiJub25lIn0.eyJpZGVudGl0eSI6e319." },
      body: JSON.stringify({ query: "{ me { id } }" }),
    });
    assert.deepEqual(((await forged.json()) as any).data, { me: null });
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

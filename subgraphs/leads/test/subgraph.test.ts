import "reflect-metadata";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { Identity, RunningSubgraph } from "@solo/kit";
import { ANONYMOUS, IDENTITY_HEADER, runSubgraph, signIdentity } from "@solo/kit";
import { createTestDatabase } from "@solo/kit/dist/src/testing";
import subgraph from "../src/subgraph";

describe("leads subgraph", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let service: RunningSubgraph;
  before(async () => {
    database = await createTestDatabase("leads");
    service = await runSubgraph(subgraph, { databaseUrl: database.url });
  });
  after(async () => {
    await service.close();
    await database.drop();
  });

  /** As the gateway calls: with the caller's identity signed. */
  async function call(query: string, variables: object, identity: Identity) {
    const headers = { "content-type": "application/json", [IDENTITY_HEADER]: await signIdentity(identity) };
    const response = await fetch(service.url, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
    return (await response.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] };
  }
  const person = (): Identity => ({ kind: "user", userId: randomUUID(), role: "STUDENT", sessionId: randomUUID() });
  const ADD = "mutation ($title: String!) { addLeadsItem(title: $title) { id title } }";
  const MINE = "{ myLeadsItems { title } }";

  it("keeps each person's items to themselves, and refuses the anonymous and blank titles", async () => {
    const [owner, other] = [person(), person()];
    const added = await call(ADD, { title: " First " }, owner);
    assert.equal(added.errors, undefined, JSON.stringify(added.errors));
    assert.equal(added.data.addLeadsItem.title, "First");
    assert.deepEqual((await call(MINE, {}, owner)).data, { myLeadsItems: [{ title: "First" }] });
    assert.deepEqual((await call(MINE, {}, other)).data, { myLeadsItems: [] });
    assert.equal((await call(ADD, { title: "x" }, ANONYMOUS)).errors?.[0].extensions?.code, "UNAUTHENTICATED");
    assert.equal((await call(ADD, { title: "  " }, owner)).errors?.[0].extensions?.code, "BAD_USER_INPUT");
  });

  it("has applied its migrations, and its entities need no further ones", async () => {
    assert.deepEqual(await service.orm.migrator.getPending(), []);
    const diff = await service.orm.schema.getUpdateSchemaSQL({ wrap: false, schema: subgraph.schema });
    assert.equal(diff.trim(), "", `entities and migrations disagree; run npm run migration:create -- leads:\n${diff}`);
  });
});

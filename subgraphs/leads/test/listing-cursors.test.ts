import "reflect-metadata";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { Identity, RunningSubgraph } from "@solo/kit";
import { IDENTITY_HEADER, runSubgraph, signIdentity } from "@solo/kit";
import { createTestDatabase } from "@solo/kit/dist/src/testing";
import subgraph from "../src/subgraph";

const cursor = (value: unknown) => Buffer.from(JSON.stringify([value, randomUUID()])).toString("base64url");

/** A tampered cursor is the client's mistake: BAD_USER_INPUT, never an internal error from Postgres. */
describe("lead listing cursors", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let service: RunningSubgraph;
  const owner: Identity = { kind: "user", userId: randomUUID(), role: "MARKETER", sessionId: randomUUID() };

  before(async () => {
    database = await createTestDatabase("leads");
    service = await runSubgraph(subgraph, { databaseUrl: database.url });
  });
  after(async () => {
    await service.close();
    await database.drop();
  });

  async function page(field: string, after: string) {
    const headers = { "content-type": "application/json", [IDENTITY_HEADER]: await signIdentity(owner) };
    const query = `query ($after: String) { leads(first: 5, after: $after, orderBy: { field: ${field}, direction: ASC }) { totalCount } }`;
    const response = await fetch(service.url, { method: "POST", headers, body: JSON.stringify({ query, variables: { after } }) });
    return (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
  }

  for (const [field, value, what] of [
    ["NAME", "a\u0000b", "a NUL character"],
    ["NAME", "a\uD800b", "half a surrogate pair"],
    ["SCORE", 1e300, "a score no integer column holds"],
    ["SCORE", 2 ** 40, "a score beyond a 32-bit integer"],
  ] as const) {
    it(`refuses a ${field} cursor holding ${what}`, async () => {
      const answer = await page(field, cursor(value));
      assert.equal(answer.errors?.[0]?.extensions?.code, "BAD_USER_INPUT", JSON.stringify(answer));
    });
  }

  it("still takes a real cursor", async () => {
    const answer = await page("SCORE", cursor(50));
    assert.equal(answer.errors, undefined, JSON.stringify(answer));
  });
});

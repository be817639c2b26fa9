import "reflect-metadata";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { RunningSubgraph } from "@solo/kit";
import { runSubgraph } from "@solo/kit";
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

  it("has applied its migrations, and its entities need no further ones", async () => {
    assert.deepEqual(await service.orm.migrator.getPending(), []);
    const diff = await service.orm.schema.getUpdateSchemaSQL({ wrap: false, schema: subgraph.schema });
    assert.equal(diff.trim(), "", `entities and migrations disagree; run npm run migration:create -- leads:\n${diff}`);
  });
});

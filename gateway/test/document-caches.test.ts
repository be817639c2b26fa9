import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "graphql";
import { documentCaches } from "../src/document-caches";

describe("the gateway's document and query-plan caches", () => {
  it("keep at most the given number of entries, the least recently used going first", async () => {
    const { documentStore, queryPlanStore } = documentCaches(2);
    for (const name of ["a", "b", "c"]) await documentStore.set(name, parse(`{ ${name}: __typename }`));
    assert.equal(await documentStore.get("a"), undefined);
    assert.ok(await documentStore.get("b"));
    assert.ok(await documentStore.get("c"));

    const plan = { kind: "QueryPlan" as const, node: undefined };
    for (const name of ["a", "b", "c"]) await queryPlanStore.set(name, plan);
    assert.equal(await queryPlanStore.get("a"), undefined);
    assert.deepEqual(await queryPlanStore.get("c"), plan);
  });
});

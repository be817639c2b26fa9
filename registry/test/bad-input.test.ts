import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { documentHash } from "../src/manifest";
import type { TestRegistry } from "./support";
import { serviceCaller, startTestRegistry } from "./support";

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@tag"])';
const URL_ = "http://127.0.0.1:5010/graphql";
const deepList = (depth: number) => `type Query { deep: ${"[".repeat(depth)}Int${"]".repeat(depth)} }`;
const deepQuery = (depth: number) => `query Deep { ${"a { ".repeat(depth)}b${" }".repeat(depth)} }`;

describe("no input reaches a 500", () => {
  let t: TestRegistry;
  let call: ReturnType<typeof serviceCaller>;
  before(async () => {
    t = await startTestRegistry();
    call = serviceCaller(t.registry);
  });
  after(() => t.close());

  test("a variant defined before any tag exists: its changelog and schema answer (no SDL is an empty schema)", async () => {
    assert.equal((await call("PUT", "/variants/partner", { include: ["partner"] })).status, 200);
    assert.equal((await call("POST", "/subgraphs/a/versions", { sdl: `${LINK}\ntype Query { a: Int }`, url: URL_ })).status, 201);
    assert.equal((await call("GET", "/variants/partner/schema/api.graphql")).status, 200);
    assert.equal((await call("POST", "/subgraphs/a/versions", { sdl: `${LINK}\ntype Query { a: Int b: Int @tag(name: "partner") }`, url: URL_ })).status, 201);
    const changelog = await call("GET", "/variants/partner/schema/changelog");
    assert.equal(changelog.status, 200, JSON.stringify(changelog.body));
    assert.ok(
      changelog.body.entries[0].changes.some((change: { path?: string }) => change.path === "Query.b"),
      JSON.stringify(changelog.body),
    );
  });

  test("a variant filter that leaves no Query type is BAD_REQUEST at PUT, and stores nothing", async () => {
    const counts = await t.counts();
    const answer = await call("PUT", "/variants/nothing", { include: ["nobody-has-this-tag"] });
    assert.deepEqual([answer.status, answer.code], [400, "BAD_REQUEST"]);
    assert.match(answer.body.error.message, /no Query type/);
    assert.deepEqual(await t.counts(), counts);
  });

  test("@link(url: 5): composition's own TypeError is COMPOSITION_FAILED at publish and a failed check", async () => {
    const counts = await t.counts();
    const sdl = "extend schema @link(url: 5) type Query { b: Int }";
    const published = await call("POST", "/subgraphs/b/versions", { sdl, url: URL_ });
    assert.deepEqual([published.status, published.code], [422, "COMPOSITION_FAILED"], JSON.stringify(published.body));
    assert.equal(published.body.error.details.errors.length, 1);
    const checked = await call("POST", "/subgraphs/a/checks", { sdl: `extend schema @link(url: 5) type Query { a: Int }` });
    assert.equal(checked.status, 200, JSON.stringify(checked.body));
    assert.equal(checked.body.ok, false);
    assert.equal(checked.body.compositionErrors.length, 1);
    assert.deepEqual(await t.counts(), counts);
  });

  test("documents nested too deep or too long are refused with a code: SDL, checks, manifests, usage", async () => {
    const counts = await t.counts();
    for (const depth of [5_000, 20_000]) {
      const published = await call("POST", "/subgraphs/b/versions", { sdl: deepList(depth), url: URL_ });
      assert.deepEqual([published.status, published.code], [400, "INVALID_SDL"], JSON.stringify(published.body).slice(0, 300));
      assert.match(published.body.error.message, /nests more than 128 levels/);
      const checked = await call("POST", "/subgraphs/a/checks", { sdl: deepList(depth) });
      assert.deepEqual([checked.status, checked.code], [400, "INVALID_SDL"]);
      const body = deepQuery(depth);
      const manifest = await call("POST", "/operations", { client: { name: "web" }, manifest: { [documentHash(body)]: body } });
      assert.deepEqual([manifest.status, manifest.code], [400, "INVALID_MANIFEST"], JSON.stringify(manifest.body).slice(0, 300));
      const usage = await call("POST", "/usage", { operations: [{ hash: documentHash(body), name: "Deep", type: "query", body, coordinates: [] }], counts: [] });
      assert.deepEqual([usage.status, usage.code], [400, "BAD_REQUEST"], JSON.stringify(usage.body).slice(0, 300));
    }
    // A list type nested a few levels is fine.
    assert.equal((await call("POST", "/subgraphs/b/versions", { sdl: deepList(8), url: URL_ })).status, 201);
    const tooMany = `type Query { a: T0 }\n${Array.from({ length: 2_001 }, (_, index) => `type T${index} { a: Int }`).join("\n")}`;
    const refused = await call("POST", "/subgraphs/c/versions", { sdl: tooMany, url: URL_ });
    assert.deepEqual([refused.status, refused.code], [400, "BAD_REQUEST"]);
    assert.match(refused.body.error.message, /at most 2000/);
    const after = await t.counts();
    assert.equal(after.subgraph_versions, counts.subgraph_versions + 1);
    assert.equal(after.operations, counts.operations);
    assert.equal(after.usage_operations, counts.usage_operations);
  });
});

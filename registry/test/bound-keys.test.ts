import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { documentHash } from "../src/manifest";
import type { TestRegistry } from "./support";
import { adminWithKeys, startTestRegistry } from "./support";

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@tag"])';
const SDL = `${LINK}
type Query {
  products: [Product!]!
  costs: [Cost!]! @tag(name: "internal")
}
type Product @key(fields: "id") {
  id: ID!
  name: String!
}
type Cost @tag(name: "internal") { amount: Float! }
`;
const URL_ = "http://127.0.0.1:5010/graphql";
const BODY = "query Products { products { id } }";

interface Route {
  method: "GET" | "POST" | "PUT";
  path: string;
  body?: unknown;
}

/** Every route of the registry but /uplink; `filtered` ones answer a bound key with its variant. */
function routes(ids: { version: string; launch: string }): { filtered: Route[]; wholeGraph: Route[]; writes: Route[] } {
  return {
    filtered: [
      { method: "GET", path: "/schema/api.graphql" },
      { method: "GET", path: "/schema/changelog" },
      { method: "GET", path: `/schema/diff?from=${ids.launch}&to=${ids.launch}` },
      { method: "GET", path: "/variants" },
      { method: "GET", path: "/variants/partner/schema/api.graphql" },
      { method: "GET", path: "/variants/partner/schema/changelog" },
    ],
    wholeGraph: [
      { method: "GET", path: "/subgraphs" },
      { method: "GET", path: "/subgraphs/catalog/versions" },
      { method: "GET", path: `/subgraphs/catalog/versions/${ids.version}` },
      { method: "POST", path: "/subgraphs/catalog/checks", body: { sdl: SDL } },
      { method: "GET", path: "/schema/supergraph.graphql" },
      // Its triggers name subgraphs and their versions.
      { method: "GET", path: "/schema/versions" },
      { method: "GET", path: `/operations/${documentHash(BODY)}` },
      { method: "GET", path: "/usage/coordinates/Query.products" },
    ],
    writes: [
      { method: "POST", path: "/subgraphs/catalog/versions", body: { sdl: SDL.replace("name: String!", "name: String!\n  sku: String"), url: URL_ } },
      { method: "PUT", path: "/variants/partner", body: { exclude: [] } },
      { method: "POST", path: "/operations", body: { client: { name: "web" }, manifest: { [documentHash(BODY)]: BODY } } },
      { method: "POST", path: "/usage", body: { operations: [], counts: [] } },
    ],
  };
}

describe("a key bound to a variant reads that variant only and writes nothing", () => {
  let t: TestRegistry;
  let keys: { boundRead: string; boundWrite: string; read: string };
  let ids: { version: string; launch: string };
  before(async () => {
    t = await startTestRegistry({ users: true });
    const admin = await adminWithKeys(t.users!, t.db);
    keys = {
      boundRead: await admin.createKey({ scopes: ["registry:read"], variant: "partner" }),
      boundWrite: await admin.createKey({ scopes: ["registry:write"], variant: "partner" }),
      read: await admin.createKey({ scopes: ["registry:read"] }),
    };
    const published = await t.client().publish("catalog", { sdl: SDL, url: URL_ });
    ids = { version: published.version.id, launch: published.launch.id };
    await t.client().putVariant("partner", { exclude: ["internal"] });
    await t.client().publishOperations({ client: { name: "web" }, manifest: { [documentHash(BODY)]: BODY } });
  });
  after(() => t.close());

  const send = async (key: string, route: Route) => {
    const response = await fetch(`${t.registry.url}${route.path}`, {
      method: route.method,
      headers: { "x-api-key": key, ...(route.body ? { "content-type": "application/json" } : {}) },
      body: route.body ? JSON.stringify(route.body) : undefined,
    });
    const text = await response.text();
    return { status: response.status, text, code: response.status >= 400 ? (JSON.parse(text) as { error: { code: string } }).error.code : null };
  };

  test("every route: the variant-filtered ones answer (with the variant), the others and every write are 403 FORBIDDEN, nothing stored", async () => {
    const all = routes(ids);
    const counts = await t.counts();
    for (const key of [keys.boundRead, keys.boundWrite]) {
      for (const route of all.filtered.filter((candidate) => candidate.method === "GET")) {
        const answer = await send(key, route);
        assert.equal(answer.status, 200, `${route.method} ${route.path}: ${answer.text}`);
        assert.doesNotMatch(answer.text, /costs|amount/, `${route.path} shows only the variant`);
      }
      for (const route of [...all.wholeGraph, ...all.writes]) {
        const answer = await send(key, route);
        assert.deepEqual([answer.status, answer.code], [403, "FORBIDDEN"], `${route.method} ${route.path}: ${answer.text}`);
      }
    }
    assert.deepEqual(await t.counts(), counts);
    const variants = await t.client(keys.read).variants();
    assert.deepEqual(variants, [{ name: "partner", include: [], exclude: ["internal"] }]);
    // An unbound read key reads the whole graph.
    for (const route of all.wholeGraph) assert.equal((await send(keys.read, route)).status, 200, `${route.method} ${route.path}`);
  });
});

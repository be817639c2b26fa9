import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { RegistryError } from "../src/errors";
import type { TestRegistry } from "./support";
import { adminWithKeys, startTestRegistry } from "./support";

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@tag"])';
const catalog = (extra = "") => `${LINK}
type Query {
  products: [Product!]!
  costs: [Cost!]! @tag(name: "internal")
}
type Product @key(fields: "id") {
  id: ID!
  name: String!
  margin: Float @tag(name: "internal")${extra}
}
type Cost @tag(name: "internal") { amount: Float! }
`;

async function code(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    assert.ok(error instanceof RegistryError, String(error));
    return `${error.status} ${error.code}`;
  }
  return "accepted";
}

describe("API keys and variants", () => {
  let t: TestRegistry;
  let keys: { read: string; write: string; other: string; partner: string };
  before(async () => {
    t = await startTestRegistry({ users: true });
    const admin = await adminWithKeys(t.users!, t.db);
    keys = {
      read: await admin.createKey({ scopes: ["registry:read"] }),
      write: await admin.createKey({ scopes: ["registry:write"] }),
      other: await admin.createKey({ scopes: ["users:read"] }),
      partner: await admin.createKey({ scopes: ["registry:read"], variant: "partner" }),
    };
  });
  after(() => t.close());

  test("no key 401, a key without the scope 403, read keys read, write keys write (and read)", async () => {
    const anonymous = await fetch(`${t.registry.url}/subgraphs`);
    assert.equal(anonymous.status, 401);
    assert.equal(((await anonymous.json()) as { error: { code: string } }).error.code, "UNAUTHENTICATED");
    assert.equal(await code(t.client("solo_unknown_key").subgraphs()), "401 UNAUTHENTICATED");
    assert.equal(await code(t.client(keys.other).subgraphs()), "403 FORBIDDEN");
    const counts = await t.counts();
    assert.equal(await code(t.client(keys.read).publish("catalog", { sdl: catalog(), url: "http://127.0.0.1:5010/graphql" })), "403 FORBIDDEN");
    assert.equal(await code(t.client(keys.read).putVariant("partner", { exclude: ["internal"] })), "403 FORBIDDEN");
    assert.equal(await code(t.client(keys.read).reportUsage({ operations: [], counts: [] })), "403 FORBIDDEN");
    assert.deepEqual(await t.counts(), counts);
    const published = await t.client(keys.write).publish("catalog", { sdl: catalog(), url: "http://127.0.0.1:5010/graphql" });
    assert.match(published.version.author ?? "", /^apiKey:/);
    assert.deepEqual(
      (await t.client(keys.read).subgraphs()).map((subgraph) => subgraph.name),
      ["catalog"],
    );
    assert.deepEqual(
      (await t.client(keys.write).subgraphs()).map((subgraph) => subgraph.name),
      ["catalog"],
    );
  });

  test("the users subgraph unreachable: keys fail closed with 503", async () => {
    const lone = await startTestRegistry({ config: { usersUrl: "http://127.0.0.1:9/graphql" } });
    try {
      assert.equal(await code(lone.client(keys.read).subgraphs()), "503 SERVICE_UNAVAILABLE");
    } finally {
      await lone.close();
    }
  });

  test("variant partner {exclude: internal} hides tagged fields and types; its changelog; a key bound to it reads it only", async () => {
    await t.client(keys.write).publish("catalog", { sdl: catalog(), url: "http://127.0.0.1:5010/graphql" });
    assert.deepEqual(await t.client(keys.write).putVariant("partner", { exclude: ["internal"] }), { name: "partner", include: [], exclude: ["internal"] });
    assert.deepEqual(await t.client(keys.read).variants(), [{ name: "partner", include: [], exclude: ["internal"] }]);
    const whole = await t.client(keys.read).apiSchema();
    assert.match(whole.sdl, /margin: Float/);
    const partner = await t.client(keys.read).apiSchema({ variant: "partner" });
    assert.equal(partner.sdl, "type Query {\n  products: [Product!]!\n}\n\ntype Product {\n  id: ID!\n  name: String!\n}\n");
    assert.notEqual(partner.etag, whole.etag);

    await t.client(keys.write).publish("catalog", { sdl: catalog("\n  sku: String"), url: "http://127.0.0.1:5010/graphql" });
    await t.client(keys.write).publish("catalog", { sdl: catalog('\n  sku: String\n  supplier: String @tag(name: "internal")'), url: "http://127.0.0.1:5010/graphql" });
    const changelog = await t.client(keys.read).changelog({ variant: "partner" });
    // The internal field's launch changed nothing partners see: no entry.
    assert.deepEqual(
      changelog.map((entry) => entry.changes.map(({ criticality, path }) => ({ criticality, path }))),
      [[{ criticality: "SAFE", path: "Product.sku" }]],
    );
    const wholeChangelog = await t.client(keys.read).changelog();
    assert.deepEqual(
      wholeChangelog[0].changes.map((change) => change.path),
      ["Product.supplier"],
    );

    // The bound key: /schema/* answers the variant, other variants and the supergraph are closed to it.
    const bound = t.client(keys.partner);
    assert.equal((await bound.apiSchema()).sdl, (await t.client(keys.read).apiSchema({ variant: "partner" })).sdl);
    assert.deepEqual(
      (await bound.changelog()).map((entry) => entry.launchId),
      changelog.map((entry) => entry.launchId),
    );
    assert.equal(await code(bound.supergraph()), "403 FORBIDDEN");
    await t.client(keys.write).putVariant("staff", { include: ["internal"] });
    assert.equal(await code(bound.apiSchema({ variant: "staff" })), "403 FORBIDDEN");
    assert.equal(await code(t.client(keys.read).apiSchema({ variant: "nobody" })), "404 UNKNOWN_VARIANT");
    assert.deepEqual(await t.client(keys.partner).routerConfig(), {
      __typename: "FetchError",
      code: "ACCESS_DENIED",
      message: "this API key is bound to variant partner, which has no supergraph",
    });
    assert.equal((await t.client(keys.other).routerConfig()).__typename, "FetchError");
    assert.deepEqual(await t.client(keys.other).routerConfig(), {
      __typename: "FetchError",
      code: "ACCESS_DENIED",
      message: "this API key lacks the registry:read scope",
    });
    assert.equal((await t.client(keys.read).routerConfig()).__typename, "RouterConfigResult");
  });

  test("variant include keeps only tagged elements (a tagged type with its fields)", async () => {
    await t.client(keys.write).putVariant("staff", { include: ["internal"] });
    const staff = await t.client(keys.read).apiSchema({ variant: "staff" });
    assert.equal(staff.sdl, "type Query {\n  costs: [Cost!]!\n}\n\ntype Cost {\n  amount: Float!\n}\n");
  });
});

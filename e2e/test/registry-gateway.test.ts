import assert from "node:assert/strict";
import crypto from "node:crypto";
import { after, before, describe, it } from "node:test";
import { RegistryClient } from "@solo/registry";
import type { Stack } from "../src/stack";
import { contractOperation, registerAdmin, startStack } from "../src/stack";

const sha256 = (text: string) => crypto.createHash("sha256").update(text).digest("hex");
const CATALOG = contractOperation("CourseCatalog");
const byHash = (hash: string) => JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } }, variables: { first: 2 } });
const CREATE_KEY = `mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`;

/** A gateway reading the registry: trusted documents, usage and variants come from it. */
describe("the gateway with the schema registry", () => {
  let stack: Stack;
  let registry: RegistryClient;
  let admin: Awaited<ReturnType<typeof registerAdmin>>;

  const createKey = async (input: Record<string, unknown>) => {
    const created = await admin.client.request(CREATE_KEY, { input: { name: "test key", ...input } });
    assert.equal(created.errors, undefined, JSON.stringify(created.errors));
    return created.data.createApiKey.secret as string;
  };

  before(async () => {
    stack = await startStack({ registry: {}, gateway: { usage: { flushSeconds: 1 } } });
    registry = new RegistryClient({ url: stack.registryUrl! });
    admin = await registerAdmin(stack);
    await registry.publishOperations({
      client: { name: "web", version: "1.0.0" },
      manifest: { format: "apollo-persisted-query-manifest", version: 1, operations: [{ id: sha256(CATALOG), name: "CourseCatalog", type: "query", body: CATALOG }] },
    });
  });
  after(() => stack?.close());

  it("runs a published operation by hash over POST and GET, and answers PERSISTED_QUERY_NOT_FOUND for an unknown one", async () => {
    const post = await stack.client().raw(byHash(sha256(CATALOG)));
    assert.equal(post.errors, undefined, JSON.stringify(post.errors));
    assert.ok(Array.isArray(post.data.courses.edges));

    const url = new URL(stack.url);
    url.searchParams.set("extensions", JSON.stringify({ persistedQuery: { version: 1, sha256Hash: sha256(CATALOG) } }));
    url.searchParams.set("variables", JSON.stringify({ first: 2 }));
    const get = (await (await fetch(url, { headers: { "apollo-require-preflight": "true" } })).json()) as { data?: unknown; errors?: unknown };
    assert.equal(get.errors, undefined, JSON.stringify(get.errors));
    assert.deepEqual(get.data, post.data);

    const unknown = await stack.client().raw(byHash(sha256("query Unknown { __typename }")));
    assert.equal(unknown.errors?.[0].extensions?.code, "PERSISTED_QUERY_NOT_FOUND");
  });

  it("serves a trustedDocumentsOnly key published operations by hash and refuses its free-form text", async () => {
    const limited = stack.client({ apiKey: await createKey({ scopes: ["content:read"], trustedDocumentsOnly: true }) });
    const published = await limited.raw(byHash(sha256(CATALOG)));
    assert.equal(published.errors, undefined, JSON.stringify(published.errors));
    const free = await limited.request(CATALOG, { first: 2 });
    assert.equal(free.errors?.[0].extensions?.code, "PERSISTED_QUERY_REQUIRED");
    assert.equal(free.data, undefined);
    // Text and hash of something unpublished is still free-form text.
    const text = "query Mine { __typename }";
    const sneaky = await limited.raw(JSON.stringify({ query: text, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(text) } } }));
    assert.equal(sneaky.errors?.[0].extensions?.code, "PERSISTED_QUERY_REQUIRED");
    // A key without the limit still sends what it likes.
    const open = stack.client({ apiKey: await createKey({ scopes: ["content:read"] }) });
    assert.equal((await open.request(CATALOG, { first: 2 })).errors, undefined);
  });

  it("records usage with the client's name and version, and the registry answers who uses Query.courses", async () => {
    const query = "query UsageProbe { courses(first: 1) { totalCount } }";
    const partner = stack.client({ headers: { "apollographql-client-name": "partner-app", "apollographql-client-version": "2.3.4" } });
    for (let i = 0; i < 3; i++) assert.equal((await partner.request(query)).errors, undefined);
    const deadline = Date.now() + 10_000;
    let found;
    for (;;) {
      const usage = await registry.usage("Query.courses");
      found = usage.operations.find((operation) => operation.hash === sha256(query));
      // The gateway flushes on a timer: the three may come in two reports.
      if ((found && found.count >= 3) || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.ok(found, "the operation was reported within 10 s");
    assert.equal(found.name, "UsageProbe");
    assert.equal(found.count, 3);
    assert.deepEqual(found.clients, [{ name: "partner-app", version: "2.3.4", count: 3 }]);
    const metrics = await (await fetch(`${stack.origin}/metrics`)).text();
    assert.match(metrics, /usage_flushes_total\{[^}]*outcome="sent"[^}]*\} [1-9]/);
  });

  it("validates a key bound to the partner variant against that variant's API: internal fields are not there", async () => {
    await registry.putVariant("partner", { exclude: ["internal"] });
    const partner = stack.client({ apiKey: await createKey({ scopes: ["users:read", "content:read"], variant: "partner" }) });
    const normal = stack.client({ apiKey: await createKey({ scopes: ["users:read", "content:read"] }) });
    const query = "{ users(first: 1) { totalCount } }";

    const allowed = await normal.request(query);
    assert.equal(allowed.errors, undefined, JSON.stringify(allowed.errors));
    assert.ok(allowed.data.users.totalCount >= 1);

    const refused = await partner.request(query);
    assert.equal(refused.errors?.[0].extensions?.code, "GRAPHQL_VALIDATION_FAILED");
    assert.match(refused.errors?.[0].message ?? "", /users/);
    assert.equal(refused.data, undefined);
    // What the variant keeps, the key runs.
    assert.equal((await partner.request(CATALOG, { first: 1 })).errors, undefined);
    // Introspection would show the whole API: refused.
    assert.equal((await partner.request("{ __schema { queryType { name } } }")).errors?.[0].extensions?.code, "FORBIDDEN");

    const unknown = stack.client({ apiKey: await createKey({ scopes: ["content:read"], variant: "no-such-variant" }) });
    assert.equal((await unknown.request(CATALOG, { first: 1 })).errors?.[0].extensions?.code, "FORBIDDEN");
  });
});

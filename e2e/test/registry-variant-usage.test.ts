import assert from "node:assert/strict";
import crypto from "node:crypto";
import { after, before, describe, it } from "node:test";
import { RegistryClient } from "@solo/registry";
import { startProbeSubgraph } from "../src/probe-subgraph";
import { freePort, startService, stopService } from "../src/processes";
import type { Stack } from "../src/stack";
import { registerAdmin, startStack } from "../src/stack";

const sha256 = (text: string) => crypto.createHash("sha256").update(text).digest("hex");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const CREATE_KEY = `mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`;
/** A subgraph of the test's own with an input field the partner variant hides (tagged internal). */
const PROBE = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@tag"])
input ProbeInput { open: String, secret: String @tag(name: "internal") }
type Query { echo(input: ProbeInput!): String }`;

/** Polls until `check` answers something, or `ms` have passed (then answers undefined). */
async function within<T>(ms: number, check: () => Promise<T | undefined>): Promise<T | undefined> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = await check();
    if (found !== undefined || Date.now() > deadline) return found;
    await sleep(100);
  }
}

/** Usage reports that hostile clients cannot poison, and variants whose changes and hidden inputs hold. */
describe("the gateway's usage and variants against the registry", () => {
  let stack: Stack;
  let registry: RegistryClient;
  let admin: Awaited<ReturnType<typeof registerAdmin>>;
  let probe: Awaited<ReturnType<typeof startProbeSubgraph>>;

  const createKey = async (input: Record<string, unknown>) => {
    const created = await admin.client.request(CREATE_KEY, { input: { name: "test key", ...input } });
    assert.equal(created.errors, undefined, JSON.stringify(created.errors));
    return created.data.createApiKey.secret as string;
  };
  const usedBy = async (coordinate: string, query: string) => (await registry.usage(coordinate)).operations.find((operation) => operation.hash === sha256(query));

  before(async () => {
    stack = await startStack({ registry: { minDelaySeconds: 1 }, gateway: { usage: { flushSeconds: 1 } } });
    registry = new RegistryClient({ url: stack.registryUrl! });
    admin = await registerAdmin(stack);
    probe = await startProbeSubgraph(PROBE, { Query: { echo: (_: unknown, args: { input: unknown }) => JSON.stringify(args.input) } });
    await registry.publish("probe", { sdl: PROBE, url: probe.url, author: "variant usage test" });
    const served = await within(10_000, async () => {
      const answer = await stack.client().request(`{ echo(input: { open: "x" }) }`);
      return answer.errors ? undefined : answer;
    });
    assert.ok(served, "the gateway serves the probe subgraph's launch");
  });
  after(async () => {
    await stack?.close();
    await probe?.close();
  });

  it("reports a good operation sent in the same window as a hostile client name and a 600-character operation name", async () => {
    const good = "query GoodNextToPoison { courses(first: 1) { totalCount } }";
    const hostile = stack.client({ headers: { "apollographql-client-name": "evil\u0085name", "apollographql-client-version": "1\u009b2" } });
    assert.equal((await hostile.request("query Poison { courses(first: 1) { totalCount } }")).errors, undefined);
    const longName = `Q${"x".repeat(600)}`;
    assert.equal((await stack.client().request(`query ${longName} { courses(first: 1) { totalCount } }`)).errors, undefined);
    assert.equal((await stack.client({ headers: { "apollographql-client-name": "web" } }).request(good)).errors, undefined);

    const found = await within(10_000, () => usedBy("Query.courses", good));
    assert.ok(found, "the good operation was reported within 10 s");
    assert.deepEqual(found.clients, [{ name: "web", version: "", count: 1 }]);
    // The hostile ones are reported too, cleaned to what the registry takes.
    const poison = await within(5_000, () => usedBy("Query.courses", "query Poison { courses(first: 1) { totalCount } }"));
    assert.deepEqual(poison?.clients, [{ name: "evilname", version: "12", count: 1 }]);
    const long = await within(5_000, () => usedBy("Query.courses", `query ${longName} { courses(first: 1) { totalCount } }`));
    assert.equal(long?.name.length, 500);
    const metrics = await (await fetch(`${stack.origin}/metrics`)).text();
    assert.doesNotMatch(metrics, /usage_flushes_total\{[^}]*outcome="(failed|refused)"/);
  });

  it("does not record usage of an operation refused before it ran (a variant-bound key's hidden field)", async () => {
    await registry.putVariant("partner", { exclude: ["internal"] });
    const partner = stack.client({ apiKey: await createKey({ scopes: ["users:read", "content:read"], variant: "partner" }) });
    const refusedQuery = "query RefusedByVariant { users(first: 1) { totalCount } }";
    assert.equal((await partner.request(refusedQuery)).errors?.[0].extensions?.code, "GRAPHQL_VALIDATION_FAILED");
    const ran = "query RanAfterRefusal { courses(first: 3) { totalCount } }";
    assert.equal((await partner.request(ran)).errors, undefined);
    assert.ok(await within(10_000, () => usedBy("Query.courses", ran)), "the operation that ran was reported");
    assert.equal(await usedBy("Query.users", refusedQuery), undefined, "the refused operation was not reported");
  });

  it('tells a variant-bound key no "Did you mean" that would name a hidden field', async () => {
    await registry.putVariant("partner", { exclude: ["internal"] });
    const partner = stack.client({ apiKey: await createKey({ scopes: ["users:read", "content:read"], variant: "partner" }) });
    const typo = await partner.request("{ user(first: 1) { totalCount } }");
    assert.equal(typo.errors?.[0].extensions?.code, "GRAPHQL_VALIDATION_FAILED");
    assert.doesNotMatch(typo.errors?.[0].message ?? "", /Did you mean|users/);
    // A key of the whole graph is still helped (the stack is not in production).
    const normal = stack.client({ apiKey: await createKey({ scopes: ["users:read", "content:read"] }) });
    assert.match((await normal.request("{ user(first: 1) { totalCount } }")).errors?.[0].message ?? "", /Did you mean/);
  });

  it("refuses a hidden input field sent in variables to a variant-bound key, and serves the rest", async () => {
    await registry.putVariant("partner", { exclude: ["internal"] });
    const partner = stack.client({ apiKey: await createKey({ scopes: ["content:read"], variant: "partner" }) });
    const normal = stack.client({ apiKey: await createKey({ scopes: ["content:read"] }) });
    const query = "query Echo($input: ProbeInput!) { echo(input: $input) }";

    const open = await partner.request(query, { input: { open: "a" } });
    assert.equal(open.errors, undefined, JSON.stringify(open.errors));
    assert.deepEqual(JSON.parse(open.data.echo), { open: "a" });

    const hidden = await partner.request(query, { input: { open: "a", secret: "b" } });
    assert.equal(hidden.errors?.[0].extensions?.code, "BAD_USER_INPUT", JSON.stringify(hidden));
    assert.match(hidden.errors?.[0].message ?? "", /secret/);
    assert.equal(hidden.data, undefined);
    // In the text it was refused already; a key of the whole graph may send it.
    assert.equal((await partner.request(`{ echo(input: { secret: "b" }) }`)).errors?.[0].extensions?.code, "GRAPHQL_VALIDATION_FAILED");
    const whole = await normal.request(query, { input: { open: "a", secret: "b" } });
    assert.equal(whole.errors, undefined, JSON.stringify(whole.errors));
    assert.deepEqual(JSON.parse(whole.data.echo), { open: "a", secret: "b" });
  });

  it("applies a tightened variant filter to its keys within a few seconds, without a new launch", async () => {
    await registry.putVariant("partner", { exclude: ["internal"] });
    const partner = stack.client({ apiKey: await createKey({ scopes: ["content:read"], variant: "partner" }) });
    const query = "{ courses(first: 1) { totalCount } }";
    assert.equal((await partner.request(query)).errors, undefined);
    const launches = (await registry.launches()).length;

    await registry.putVariant("partner", { exclude: ["internal", "scope:content:read"] });
    const started = Date.now();
    const refused = await within(5_000, async () => {
      const answer = await partner.request(query);
      return answer.errors?.[0].extensions?.code === "GRAPHQL_VALIDATION_FAILED" ? answer : undefined;
    });
    assert.ok(refused, "the partner key was refused within 5 s of the change");
    assert.ok(Date.now() - started < 5_000);
    assert.equal((await registry.launches()).length, launches, "no launch was made");
  });

  it("says at start, clearly, that a REGISTRY_KEY without registry:write cannot report usage", async () => {
    const readOnly = await createKey({ scopes: ["registry:read"] });
    const gateway = await startService("gateway", "gateway/dist/src/index.js", await freePort(), {
      SUPERGRAPH_SOURCE: "registry",
      REGISTRY_URL: stack.registryUrl,
      REGISTRY_KEY: readOnly,
      REGISTRY_SUPERGRAPH_CACHE: "",
      DATABASE_URL: stack.databaseUrl,
      REDIS_URL: process.env.REDIS_URL ?? "",
      EVENT_BUS_NAMESPACE: stack.eventNamespace,
    });
    try {
      const warned = await within(5_000, async () => (/REGISTRY_KEY needs the registry:write scope/.test(gateway.output()) ? true : undefined));
      assert.ok(warned, gateway.output());
    } finally {
      await stopService(gateway);
    }
  });
});

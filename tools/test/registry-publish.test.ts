import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createLogger } from "@solo/kit";
import { createTestDatabase } from "@solo/kit/dist/src/testing";
import type { RunningRegistry } from "@solo/registry";
import { RegistryClient, RegistryError, startRegistry } from "@solo/registry";
import { publishSubgraphs } from "../src/registry-publish";

const FEDERATION = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n';
const url = (port: number) => `http://127.0.0.1:${port}/graphql`;

/**
 * How npm start and `npm run registry:publish` fill a registry: one subgraph at a time, on a real
 * registry, including the order a moved field needs.
 */
describe("publishing a platform's subgraphs to the registry", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let registry: RunningRegistry;
  let client: RegistryClient;

  before(async () => {
    database = await createTestDatabase("registry_publish");
    registry = await startRegistry(
      { port: 0, host: "127.0.0.1", databaseUrl: database.url, eventBusNamespace: `registry-publish-${process.pid}`, minDelaySeconds: 5, checkUsageDays: 30 },
      createLogger("registry"),
    );
    client = new RegistryClient({ url: registry.url });
  });
  after(async () => {
    await registry?.close();
    await database?.drop();
  });

  it("publishes a field that moves between subgraphs, whatever their order, and stores nothing the second time", async () => {
    const first = await publishSubgraphs(client, [
      { name: "alpha", url: url(5001), sdl: `${FEDERATION}type Query { a: String moved: String }\n` },
      { name: "beta", url: url(5002), sdl: `${FEDERATION}type Query { b: String }\n` },
    ]);
    assert.deepEqual(first.published, ["alpha", "beta"]);

    // beta gains Query.moved before alpha has given it up: that version does not compose yet, so it goes after alpha's.
    const moved = [
      { name: "beta", url: url(5002), sdl: `${FEDERATION}type Query { b: String moved: String }\n` },
      { name: "alpha", url: url(5001), sdl: `${FEDERATION}type Query { a: String }\n` },
    ];
    const second = await publishSubgraphs(client, moved);
    assert.deepEqual(second.published, ["alpha", "beta"]);
    assert.equal((await client.launches())[0].id, second.launchId);
    const api = (await client.apiSchema()).sdl;
    assert.match(api, /moved: String/);
    assert.equal((await client.history("beta")).length, 2);

    const again = await publishSubgraphs(client, moved);
    assert.deepEqual(again, { published: [], unchanged: ["beta", "alpha"], launchId: second.launchId });
  });

  it("refuses a set that does not compose in any order with the registry's error, storing nothing", async () => {
    const before = await client.launches();
    await assert.rejects(
      publishSubgraphs(client, [{ name: "alpha", url: url(5001), sdl: `${FEDERATION}type Query { a: Missing }\n` }]),
      (error: unknown) => error instanceof RegistryError && error.code === "COMPOSITION_FAILED",
    );
    assert.deepEqual(await client.launches(), before);
  });
});

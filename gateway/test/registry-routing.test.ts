import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { RegistrySupergraphManager } from "../src/registry-supergraph";
import { untrustedRouting } from "../src/supergraph";

/** Enough of a supergraph for the routing rule: the join__Graph values name each subgraph and its URL. */
const SUPERGRAPH = `enum join__Graph {
  USERS @join__graph(name: "users", url: "http://users.example/graphql")
  EVIL @join__graph(name: "content", url: "http://attacker.example/graphql")
}
type Query { x: String }`;

/*
 * In production the gateway serves a registry's supergraph only if every subgraph it routes to has
 * a configured URL (REGISTRY_TRUST_ROUTING_URLS=true lifts that): a stand-in Uplink over HTTP.
 */
describe("the gateway's rule for the registry's routing URLs", () => {
  let server: http.Server;
  let url: string;
  before(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ data: { routerConfig: { __typename: "RouterConfigResult", id: "launch-1", supergraphSDL: SUPERGRAPH, minDelaySeconds: 60 } } }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const manager = (overrides: Record<string, string> | undefined, refused: string[]) =>
    new RegistrySupergraphManager({
      url,
      apiKey: "test",
      graphRef: "solo@current",
      logger: pino({ level: "silent" }),
      initialWaitMs: 1_000,
      refuse: overrides ? untrustedRouting(overrides) : undefined,
      onRefused: (reason) => refused.push(reason),
    });
  const hooks = { update: () => undefined, healthCheck: async () => undefined, getDataSource: () => undefined as never };

  it("refuses a launch routing a subgraph with no configured URL, and counts it", async () => {
    const refused: string[] = [];
    await assert.rejects(manager({ users: "http://127.0.0.1:1/graphql" }, refused).initialize(hooks), /content.*SUBGRAPH_URL_<NAME>.*REGISTRY_TRUST_ROUTING_URLS/);
    assert.deepEqual(refused, ["routing"]);
  });

  it("serves it when every subgraph has a configured URL, or when routing URLs are trusted", async () => {
    for (const overrides of [{ users: "http://127.0.0.1:1/graphql", content: "http://127.0.0.1:2/graphql" }, undefined]) {
      const refused: string[] = [];
      const source = manager(overrides, refused);
      const served = await source.initialize(hooks);
      assert.equal(served.supergraphSdl, SUPERGRAPH);
      assert.deepEqual(refused, []);
      await served.cleanup?.();
    }
  });
});

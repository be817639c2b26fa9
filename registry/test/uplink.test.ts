import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ApolloGateway } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginSchemaReportingDisabled, ApolloServerPluginUsageReportingDisabled } from "@apollo/server/plugin/disabled";
import { startStandaloneServer } from "@apollo/server/standalone";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { signServiceToken } from "@solo/kit";
import { parse } from "graphql";
import type { TestRegistry } from "./support";
import { startTestRegistry } from "./support";

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])';
const V1 = `${LINK}\ntype Query { hello: String }\n`;
const V2 = `${LINK}\ntype Query { hello: String\n  world: String }\n`;

// What stock @apollo/gateway 2.14.4 sends (loadSupergraphSdlFromStorage.js), and Apollo Router's form.
const GATEWAY_QUERY = `query SupergraphSdl($apiKey: String!, $ref: String!, $ifAfterId: ID) {
  routerConfig(ref: $ref, apiKey: $apiKey, ifAfterId: $ifAfterId) {
    __typename
    ... on RouterConfigResult { id supergraphSdl: supergraphSDL minDelaySeconds }
    ... on FetchError { code message }
  }
}`;
const ROUTER_QUERY = `query SupergraphSdlQuery($apiKey: String!, $graph_ref: String!, $ifAfterId: ID) {
  routerConfig(ref: $graph_ref, apiKey: $apiKey, ifAfterId: $ifAfterId) {
    __typename
    ... on RouterConfigResult { id supergraphSDL minDelaySeconds }
    ... on Unchanged { id minDelaySeconds }
    ... on FetchError { code message }
  }
}`;

async function uplink(t: TestRegistry, query: string, variables: Record<string, unknown>) {
  const response = await fetch(`${t.registry.url}/uplink`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: { routerConfig: Record<string, unknown> }; errors?: unknown[] };
  assert.equal(response.status, 200, JSON.stringify(body));
  return body.data!.routerConfig;
}

/** A small real subgraph; it already serves `world`, which only V2 publishes. */
async function startSubgraph() {
  const server = new ApolloServer({ schema: buildSubgraphSchema([{ typeDefs: parse(V2), resolvers: { Query: { hello: () => "hi", world: () => "earth" } } }]) });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: "127.0.0.1" } });
  return { url, stop: () => server.stop() };
}

describe("Uplink", () => {
  let t: TestRegistry;
  let subgraph: Awaited<ReturnType<typeof startSubgraph>>;
  before(async () => {
    t = await startTestRegistry();
    subgraph = await startSubgraph();
  });
  after(async () => {
    await subgraph.stop();
    await t.close();
  });

  test("RETRY_LATER before anything is published; then RouterConfigResult, Unchanged on ifAfterId, FetchError codes", async () => {
    const apiKey = await signServiceToken("test");
    assert.deepEqual(await uplink(t, ROUTER_QUERY, { apiKey, graph_ref: "solo@current" }), {
      __typename: "FetchError",
      code: "RETRY_LATER",
      message: "nothing has been published yet",
    });
    const { launch } = await t.client().publish("hello", { sdl: V1, url: subgraph.url });
    const result = await uplink(t, ROUTER_QUERY, { apiKey, graph_ref: "solo@current" });
    assert.equal(result.__typename, "RouterConfigResult");
    assert.equal(result.id, launch.id);
    assert.equal(result.minDelaySeconds, 1);
    assert.equal(result.supergraphSDL, (await t.client().supergraph()).sdl);
    assert.deepEqual(await uplink(t, ROUTER_QUERY, { apiKey, graph_ref: "solo@current", ifAfterId: launch.id }), {
      __typename: "Unchanged",
      id: launch.id,
      minDelaySeconds: 1,
    });
    const gateway = await uplink(t, GATEWAY_QUERY, { apiKey, ref: "solo@current", ifAfterId: "older" });
    assert.equal(gateway.supergraphSdl, result.supergraphSDL);
    assert.deepEqual(await uplink(t, ROUTER_QUERY, { apiKey, graph_ref: "solo@other" }), {
      __typename: "FetchError",
      code: "UNKNOWN_REF",
      message: "unknown graph ref solo@other: this registry serves solo@current",
    });
    assert.deepEqual(await uplink(t, ROUTER_QUERY, { apiKey: "not-a-credential", graph_ref: "solo@current" }), {
      __typename: "FetchError",
      code: "AUTHENTICATION_FAILED",
      message: "unknown or revoked API key",
    });
    const client = await t.client().routerConfig({ ifAfterId: launch.id });
    assert.deepEqual(client, { __typename: "Unchanged", id: launch.id, minDelaySeconds: 1 });
  });

  test("a stock @apollo/gateway takes its supergraph from the registry, serves it, and picks up a newly published field", async () => {
    const gateway = new ApolloGateway({ uplinkEndpoints: [`${t.registry.url}/uplink`], logger: quietLogger });
    const server = new ApolloServer({
      gateway,
      apollo: { key: await signServiceToken("stock-gateway"), graphRef: "solo@current" },
      plugins: [ApolloServerPluginUsageReportingDisabled(), ApolloServerPluginSchemaReportingDisabled()],
    });
    const { url } = await startStandaloneServer(server, { listen: { port: 0, host: "127.0.0.1" } });
    try {
      const ask = async (query: string) =>
        (await (await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) })).json()) as {
          data?: Record<string, string>;
          errors?: { message: string }[];
        };
      assert.deepEqual(await ask("{ hello }"), { data: { hello: "hi" } });
      assert.match((await ask("{ world }")).errors?.[0].message ?? "", /Cannot query field "world"/);
      // A service token lives 60 s: the gateway's key stays good for this test.
      const published = Date.now();
      await t.client().publish("hello", { sdl: V2, url: subgraph.url });
      for (;;) {
        const answer = await ask("{ hello world }");
        if (answer.data) {
          assert.deepEqual(answer, { data: { hello: "hi", world: "earth" } });
          break;
        }
        assert.ok(Date.now() - published < 10_000, "the gateway serves the new field within 10 s");
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    } finally {
      await server.stop();
    }
  });
});

const quietLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: (message: unknown) => console.error(message) };

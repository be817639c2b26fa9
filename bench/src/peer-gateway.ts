import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { expressMiddleware } from "@as-integrations/express5";
import { createGatewayRuntime } from "@graphql-hive/gateway";
import { GATEWAY_KEY_HEADER, anonymousGatewayKey, projectRoot, readSubgraphs, subgraphUrlVariable } from "@solo/kit";
import express from "express";

/**
 * A peer gateway as a user would put it in front of our subgraphs instead of ours, for
 * bench:gateway: `stock` (@apollo/gateway with @apollo/server, as their docs set it up) or `hive`
 * (Hive Gateway's runtime). Both serve the checked-in supergraph, routed to SUBGRAPH_URL_<NAME>,
 * on PORT, with /ready for the bench to wait on. They cannot sign identities, so they call the
 * subgraphs with the anonymous gateway key: the public queries the benchmark sends.
 */

/** The supergraph with each subgraph's routing URL replaced by SUBGRAPH_URL_<NAME>. */
function routedSupergraph(): string {
  let sdl = fs.readFileSync(path.join(projectRoot(), "schema", "supergraph.graphql"), "utf8");
  for (const { name } of readSubgraphs()) {
    const url = process.env[subgraphUrlVariable(name)];
    if (!url) throw new Error(`${subgraphUrlVariable(name)} is not set`);
    sdl = sdl.replace(new RegExp(`(@join__graph\\(name: "${name}", url: )"[^"]*"`), `$1"${url}"`);
  }
  return sdl;
}

async function stockGateway(): Promise<http.RequestListener> {
  const key = anonymousGatewayKey();
  const gateway = new ApolloGateway({
    supergraphSdl: routedSupergraph(),
    buildService: ({ url }) =>
      new RemoteGraphQLDataSource({
        url,
        willSendRequest: ({ request }) => void request.http?.headers.set(GATEWAY_KEY_HEADER, key),
      }),
  });
  const server = new ApolloServer({ gateway });
  await server.start();
  const app = express();
  app.use("/graphql", express.json(), expressMiddleware(server));
  return app;
}

function hiveGateway(): http.RequestListener {
  const runtime = createGatewayRuntime({
    supergraph: routedSupergraph(),
    transportEntries: { "*": { headers: [[GATEWAY_KEY_HEADER, anonymousGatewayKey()]] } },
    logging: "error",
  });
  // A Node request listener that answers through a promise.
  return (req, res) => void runtime(req, res);
}

async function main() {
  const kind = process.argv[2];
  const handler = kind === "stock" ? await stockGateway() : kind === "hive" ? hiveGateway() : undefined;
  if (!handler) throw new Error("usage: peer-gateway.js stock|hive (PORT, SUBGRAPH_URL_<NAME>)");
  const server = http.createServer((req, res) => {
    if (req.url === "/ready") return void res.end("ready");
    handler(req, res);
  });
  server.keepAliveTimeout = 65_000;
  server.listen(Number(process.env.PORT), "127.0.0.1");
  process.on("SIGTERM", () => server.close(() => process.exit(0)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

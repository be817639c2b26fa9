import http from "node:http";
import type { AddressInfo } from "node:net";
import type { GraphQLResolverMap } from "@apollo/subgraph";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { graphql, parse } from "graphql";

/**
 * A small real subgraph of a test's own, over HTTP: POST /graphql runs the federated schema, and
 * GET /ready answers as the platform's services do (the gateway's readiness asks every subgraph it
 * routes to, so a subgraph without it would keep the gateway unready).
 */
export async function startProbeSubgraph(typeDefs: string, resolvers: GraphQLResolverMap<unknown>): Promise<{ url: string; close: () => Promise<void> }> {
  const schema = buildSubgraphSchema([{ typeDefs: parse(typeDefs), resolvers }]);
  const server = http.createServer((req, res) => {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method === "GET" && req.url === "/ready") return answer(200, { status: "ready" });
    if (req.method !== "POST" || req.url !== "/graphql") return answer(404, { error: { code: "NOT_FOUND", message: "no such route" } });
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (text += chunk));
    req.on("end", () => {
      let request: { query?: unknown; variables?: Record<string, unknown>; operationName?: string };
      try {
        request = JSON.parse(text) as typeof request;
      } catch {
        return answer(400, { errors: [{ message: "the body is not JSON", extensions: { code: "BAD_REQUEST" } }] });
      }
      if (typeof request.query !== "string") return answer(400, { errors: [{ message: "no query", extensions: { code: "BAD_REQUEST" } }] });
      graphql({ schema, source: request.query, variableValues: request.variables, operationName: request.operationName }).then(
        (result) => answer(200, result),
        (error: unknown) => answer(500, { errors: [{ message: String(error) }] }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

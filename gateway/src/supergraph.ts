/**
 * The subgraphs a supergraph routes to, from its join__Graph enum, with the configured overrides
 * (SUBGRAPH_URL_<NAME>) applied: the routing URLs checked into the supergraph are for local runs.
 */
export function subgraphEndpoints(supergraphSdl: string, overrides: Record<string, string>): Record<string, string> {
  const endpoints: Record<string, string> = {};
  for (const match of supergraphSdl.matchAll(/@join__graph\(name: "([^"]+)", url: "([^"]*)"\)/g)) {
    endpoints[match[1]] = overrides[match[1]] ?? match[2];
  }
  return endpoints;
}

/** /graphql → /ready on the same service. */
export function readinessUrl(graphqlUrl: string): string {
  const url = new URL(graphqlUrl);
  url.pathname = url.pathname.replace(/\/graphql\/?$/, "") + "/ready";
  return url.toString();
}

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
function readinessUrl(graphqlUrl: string): string {
  const url = new URL(graphqlUrl);
  url.pathname = url.pathname.replace(/\/graphql\/?$/, "") + "/ready";
  return url.toString();
}

/** The names of the subgraphs whose /ready does not answer 200 within 3 s, all of them. */
export async function subgraphsNotReady(endpoints: Record<string, string>): Promise<string[]> {
  const answers = await Promise.all(
    Object.entries(endpoints).map(async ([name, url]) => {
      const response = await fetch(readinessUrl(url), { signal: AbortSignal.timeout(3_000) }).catch(() => undefined);
      return response?.ok ? undefined : name;
    }),
  );
  return answers.filter((name): name is string => name !== undefined);
}

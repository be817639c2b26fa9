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

/**
 * Production's rule for a registry's supergraph: every subgraph it routes to has a configured URL
 * (SUBGRAPH_URL_<NAME>), unless REGISTRY_TRUST_ROUTING_URLS says the registry's routing URLs are
 * trusted. A routing URL is whatever a registry:write key published; the gateway sends every
 * caller's identity to it.
 */
export function untrustedRouting(overrides: Record<string, string>): (supergraphSdl: string) => string | undefined {
  return (supergraphSdl) => {
    const unconfigured = [...supergraphSdl.matchAll(/@join__graph\(name: "([^"]+)", url: "([^"]*)"\)/g)].map((match) => match[1]).filter((name) => !overrides[name]);
    return unconfigured.length
      ? `it routes subgraphs with no configured URL (${unconfigured.join(", ")}): set SUBGRAPH_URL_<NAME> for each, or REGISTRY_TRUST_ROUTING_URLS=true`
      : undefined;
  };
}

/** Subgraph name → URL changes between two sets of endpoints, for the log. */
export function endpointChanges(before: Record<string, string>, after: Record<string, string>): Record<string, { from?: string; to?: string }> {
  const changes: Record<string, { from?: string; to?: string }> = {};
  for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (before[name] !== after[name]) changes[name] = { from: before[name], to: after[name] };
  }
  return changes;
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

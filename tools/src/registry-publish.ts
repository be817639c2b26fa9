import { IDENTITY_HEADER, signIdentity } from "@solo/kit";
import type { RegistryClient } from "@solo/registry";
import { RegistryError } from "@solo/registry";
import { CLIENT_NAME, type PersistedQueryManifest } from "./client-manifest";

export interface SubgraphToPublish {
  name: string;
  url: string;
  sdl: string;
}

/** The contract variant partners get: the API without what is tagged `internal` (like a GraphOS contract). */
const PARTNER_VARIANT = { name: "partner", exclude: ["internal"] };

/**
 * Publishes each subgraph in turn, in rover.yaml's order. One that does not compose with the
 * versions current so far is tried again after the others: a field moving from one subgraph to
 * another composes only once it has left the first (the registry stores versions one at a time).
 * A subgraph whose SDL and URL equal its current version stores nothing, so doing this at every
 * start costs a request per subgraph.
 */
export async function publishSubgraphs(
  client: RegistryClient,
  subgraphs: SubgraphToPublish[],
  meta: { author?: string; commit?: string } = {},
): Promise<{ published: string[]; unchanged: string[]; launchId: string }> {
  const published: string[] = [];
  const unchanged: string[] = [];
  let launchId = "";
  let pending = subgraphs;
  while (pending.length) {
    const refused: { subgraph: SubgraphToPublish; error: RegistryError }[] = [];
    for (const subgraph of pending) {
      try {
        const result = await client.publish(subgraph.name, { sdl: subgraph.sdl, url: subgraph.url, ...meta });
        (result.unchanged ? unchanged : published).push(subgraph.name);
        launchId = result.launch.id;
      } catch (error) {
        if (!(error instanceof RegistryError && error.code === "COMPOSITION_FAILED")) throw error;
        refused.push({ subgraph, error });
      }
    }
    // No progress in a whole round: the working tree itself does not compose.
    if (refused.length === pending.length) throw refused[0].error;
    pending = refused.map((item) => item.subgraph);
  }
  return { published, unchanged, launchId };
}

/**
 * A running subgraph's SDL as federation's `_service { sdl }` serves it (printed as `npm run compose`
 * prints it), asked as the gateway asks: with a signed identity, here anonymous.
 */
export async function servedSdl(routingUrl: string): Promise<string> {
  const response = await fetch(routingUrl, {
    method: "POST",
    headers: { "content-type": "application/json", [IDENTITY_HEADER]: await signIdentity({ kind: "anonymous" }) },
    body: JSON.stringify({ query: "{ _service { sdl } }" }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await response.json().catch(() => undefined)) as { data?: { _service?: { sdl?: string } } } | undefined;
  const sdl = body?.data?._service?.sdl;
  if (!response.ok || typeof sdl !== "string") throw new Error(`${routingUrl} did not serve its SDL (HTTP ${response.status})`);
  return sdl.trim() + "\n";
}

/** The project's own client operations as trusted documents, under client solo-web. */
export function publishClientManifest(client: RegistryClient, manifest: PersistedQueryManifest): Promise<{ stored: number; unchanged: number }> {
  return client.publishOperations({ client: { name: CLIENT_NAME }, manifest });
}

/** A whole platform: its subgraphs, its trusted documents and the partner variant. */
export async function publishPlatform(
  client: RegistryClient,
  subgraphs: SubgraphToPublish[],
  manifest: PersistedQueryManifest,
  meta: { author?: string; commit?: string } = {},
) {
  const result = await publishSubgraphs(client, subgraphs, meta);
  const operations = await publishClientManifest(client, manifest);
  await client.putVariant(PARTNER_VARIANT.name, { exclude: PARTNER_VARIANT.exclude });
  return { ...result, operations };
}

import fs from "node:fs";
import { readSubgraphs, subgraphUrl } from "@solo/kit";
import { DEFAULT_REGISTRY_URL, RegistryClient } from "@solo/registry";
import { readClientManifest } from "./client-manifest";
import { publishPlatform } from "./registry-publish";

/**
 * `npm run registry:publish` (docker-compose's registry-publish step; a deployment's after its
 * subgraphs are up): the checked-in schema/<name>.graphql of every subgraph in rover.yaml, each at
 * SUBGRAPH_URL_<NAME> (else its rover.yaml URL), then the client manifest and the partner variant,
 * to REGISTRY_URL with SOLO_REGISTRY_KEY (a registry:write key; unset: a platform service token).
 */
async function main() {
  const registryUrl = process.env.REGISTRY_URL || DEFAULT_REGISTRY_URL;
  const subgraphs = readSubgraphs().map((entry) => ({
    name: entry.name,
    url: subgraphUrl(entry.name) ?? entry.routingUrl,
    sdl: fs.readFileSync(entry.schemaFile, "utf8"),
  }));
  const client = new RegistryClient({ url: registryUrl, apiKey: process.env.SOLO_REGISTRY_KEY || undefined });
  const result = await publishPlatform(client, subgraphs, readClientManifest(), { author: "registry:publish" });
  const changed = result.published.length ? `published ${result.published.join(", ")}` : "every subgraph unchanged";
  console.log(`${registryUrl}: ${changed}; supergraph ${result.launchId}; trusted documents: ${result.operations.stored} new, ${result.operations.unchanged} known`);
}

main().catch((error) => {
  console.error(error instanceof Error ? `${(error as { code?: string }).code ?? "error"}: ${error.message}` : error);
  process.exit(1);
});

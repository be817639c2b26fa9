import fs from "node:fs";
import path from "node:path";
import { projectRoot } from "@solo/kit";
import { buildClientManifest, clientManifestPath, serializeManifest } from "./client-manifest";

/**
 * `npm run manifest`: writes clients/persisted-query-manifest.json, the contract operations as
 * trusted documents (run it after `npm run compose` when the operations or the schema change).
 */
function main() {
  const manifest = buildClientManifest();
  const file = clientManifestPath();
  fs.writeFileSync(file, serializeManifest(manifest));
  console.log(`wrote ${path.relative(projectRoot(), file)} (${manifest.operations.length} operations)`);
}

main();

import fs from "node:fs";
import path from "node:path";
import { projectRoot } from "@solo/kit";
import { composeSupergraph } from "./composition";

/** `npm run compose`: writes schema/<subgraph>.graphql, schema/supergraph.graphql and schema/api.graphql. */
async function main() {
  const root = projectRoot();
  const composition = await composeSupergraph();
  for (const { entry, sdl } of composition.subgraphs) {
    fs.writeFileSync(entry.schemaFile, sdl);
    console.log(`wrote ${path.relative(root, entry.schemaFile)}`);
  }
  fs.writeFileSync(path.join(root, "schema", "supergraph.graphql"), composition.supergraphSdl);
  fs.writeFileSync(path.join(root, "schema", "api.graphql"), composition.apiSdl);
  console.log("wrote schema/supergraph.graphql and schema/api.graphql");
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

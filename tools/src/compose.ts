import fs from "node:fs";
import path from "node:path";
import { projectRoot } from "@solo/kit";
import { accessListing, undeclared, fieldRules } from "./access-rules";
import { composeSupergraph } from "./composition";

/**
 * `npm run compose`: writes schema/<subgraph>.graphql, schema/supergraph.graphql, schema/api.graphql
 * and schema/access-rules.txt (every field with its declared access rule).
 */
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
  const subgraphs = composition.subgraphs.map(({ entry, sdl }) => ({ name: entry.name, sdl }));
  fs.writeFileSync(path.join(root, "schema", "access-rules.txt"), accessListing(subgraphs));
  console.log("wrote schema/access-rules.txt");
  // Written all the same, so the listing shows them; the access-rules test fails until each has one.
  const missing = subgraphs.flatMap(({ name, sdl }) => undeclared(fieldRules(name, sdl)));
  if (missing.length) console.warn(`fields without an access rule (declare @Access on the field or its type):\n${missing.map((field) => `- ${field}`).join("\n")}`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

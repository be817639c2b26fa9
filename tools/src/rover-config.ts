import fs from "node:fs";
import path from "node:path";
import { projectRoot } from "@solo/kit";
import YAML from "yaml";

export interface SubgraphEntry {
  name: string;
  routingUrl: string;
  port: number;
  /** Folder of the subgraph's package. */
  dir: string;
  /** Where its SDL is written (schema/<name>.graphql). */
  schemaFile: string;
}

/** rover.yaml is the one list of subgraphs: start-up and composition both read it. */
export function readSubgraphs(root = projectRoot()): SubgraphEntry[] {
  const config = YAML.parse(fs.readFileSync(path.join(root, "rover.yaml"), "utf8"));
  return Object.entries<any>(config.subgraphs ?? {}).map(([name, entry]) => {
    const routingUrl = String(entry.routing_url);
    return {
      name,
      routingUrl,
      port: Number(new URL(routingUrl).port),
      dir: path.join(root, "subgraphs", name),
      schemaFile: path.resolve(root, entry.schema.file),
    };
  });
}

/** Each subgraph package exports its schema builder from dist/src/schema.js as build<Name>Schema. */
export async function loadSubgraphSchema(entry: SubgraphEntry) {
  const module = require(path.join(entry.dir, "dist", "src", "schema.js"));
  const build = Object.entries<any>(module).find(([key]) => /^build\w*Schema$/.test(key))?.[1];
  if (typeof build !== "function") throw new Error(`${entry.name}: dist/src/schema.js exports no build…Schema function`);
  return build();
}

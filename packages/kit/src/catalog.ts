import fs from "node:fs";
import path from "node:path";
import YAML from "yaml";
import { projectRoot } from "./config";

// For callers that load this module alone (the test runner), without the whole kit.
export { projectRoot };
import type { AnySubgraphDescriptor } from "./descriptor";
import { isSubgraphDescriptor } from "./descriptor";

export interface SubgraphEntry {
  name: string;
  routingUrl: string;
  port: number;
  /** Folder of the subgraph's package (subgraphs/<name>). */
  dir: string;
  /** Where its SDL is written (schema/<name>.graphql). */
  schemaFile: string;
}

/** What the kit reads of rover.yaml. */
interface RoverConfig {
  subgraphs?: Record<string, { routing_url: string; schema: { file: string } }>;
}

/** rover.yaml is the one list of subgraphs: start-up, composition, migrations, seeding and tests read it. */
export function readSubgraphs(root = projectRoot()): SubgraphEntry[] {
  const config = YAML.parse(fs.readFileSync(path.join(root, "rover.yaml"), "utf8")) as RoverConfig;
  return Object.entries(config.subgraphs ?? {}).map(([name, entry]) => {
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

/** The rover.yaml entry of subgraph `name`; an unknown name is an error that lists the known ones. */
export function subgraphEntry(name: string, root = projectRoot()): SubgraphEntry {
  const entries = readSubgraphs(root);
  const entry = entries.find((candidate) => candidate.name === name);
  if (!entry) throw new Error(`no subgraph "${name}" in rover.yaml (it lists ${entries.map((known) => known.name).join(", ")})`);
  return entry;
}

/**
 * The descriptor a subgraph's package exports by default from its compiled `src/subgraph.ts`
 * (`dist/src/subgraph.js`, the package's main), found by its rover.yaml name or its folder.
 */
export function loadSubgraph(nameOrDir: string, root = projectRoot()): AnySubgraphDescriptor {
  const dir = /[/\\.]/.test(nameOrDir) ? path.resolve(nameOrDir) : subgraphEntry(nameOrDir, root).dir;
  const file = path.join(dir, "dist", "src", "subgraph.js");
  if (!fs.existsSync(file)) throw new Error(`${file} does not exist: build first (npm run build)`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a path known only at run time, loaded synchronously
  const descriptor = (require(file) as { default?: unknown }).default;
  if (!isSubgraphDescriptor(descriptor)) throw new Error(`${file} does not export a defineSubgraph(…) declaration as its default`);
  return descriptor;
}

import "reflect-metadata";
import { composeServices } from "@apollo/composition";
import { parse, printSchema } from "graphql";
import type { SubgraphEntry } from "@solo/kit";
import { loadSubgraph, printSubgraphSdl, readSubgraphs, subgraphSchema } from "@solo/kit";

export interface Composition {
  subgraphs: { entry: SubgraphEntry; sdl: string }[];
  supergraphSdl: string;
  /** The schema clients see (no join/link machinery): what codegen and contract checks use. */
  apiSdl: string;
}

/** Every subgraph listed in rover.yaml with the SDL its descriptor builds (the working tree's, not schema/). */
export async function buildSubgraphSdls(): Promise<{ entry: SubgraphEntry; sdl: string }[]> {
  return Promise.all(readSubgraphs().map(async (entry) => ({ entry, sdl: printSubgraphSdl(await subgraphSchema(loadSubgraph(entry.dir))) })));
}

/** Builds every subgraph listed in rover.yaml from its descriptor and composes them, as rover would. */
export async function composeSupergraph(): Promise<Composition> {
  const subgraphs = await buildSubgraphSdls();
  const result = composeServices(subgraphs.map(({ entry, sdl }) => ({ name: entry.name, url: entry.routingUrl, typeDefs: parse(sdl) })));
  if (result.errors) {
    throw new Error(`composition failed:\n${result.errors.map((error) => `- ${error.message}`).join("\n")}`);
  }
  return {
    subgraphs,
    supergraphSdl: result.supergraphSdl.trim() + "\n",
    apiSdl: printSchema(result.schema.toAPISchema().toGraphQLJSSchema()).trim() + "\n",
  };
}

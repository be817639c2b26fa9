import crypto from "node:crypto";
import { composeServices } from "@apollo/composition";
import type { DocumentNode, GraphQLError } from "graphql";
import { GraphQLError as ParseError, getLocation, printSchema } from "graphql";
import type { CompositionErrorReport } from "./api-types";
import { RegistryError } from "./errors";
import { SDL_LIMITS, parseBounded } from "./parse-limits";

/** Composition's time grows with the types: a subgraph with more definitions than this is refused (ours have a few dozen). */
const MAX_SDL_DEFINITIONS = 2_000;

export interface SubgraphInput {
  name: string;
  url: string;
  sdl: string;
}

export type Composed = { ok: true; supergraphSdl: string; apiSdl: string } | { ok: false; errors: CompositionErrorReport[] };

export const sha256 = (text: string): string => crypto.createHash("sha256").update(text, "utf8").digest("hex");

/** Parses a subgraph's SDL under its name (so locations can say whose they are), or refuses with INVALID_SDL. */
export function parseSdl(name: string, sdl: string): DocumentNode {
  let document: DocumentNode;
  try {
    document = parseBounded(sdl, SDL_LIMITS, { name });
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    throw new RegistryError(400, "INVALID_SDL", `the SDL of ${name} does not parse: ${error.message}`, {
      locations: (error.locations ?? []).map(({ line, column }) => ({ line, column })),
    });
  }
  if (document.definitions.length > MAX_SDL_DEFINITIONS) {
    throw new RegistryError(400, "BAD_REQUEST", `the SDL of ${name} holds ${document.definitions.length} definitions: at most ${MAX_SDL_DEFINITIONS}`);
  }
  return document;
}

/**
 * Composes as rover and `npm run compose` do. The supergraph keeps federation's machinery; the API
 * schema is what clients see. Each error's AST nodes are mapped back to the subgraph they came from.
 */
export function compose(subgraphs: SubgraphInput[]): Composed {
  const sorted = [...subgraphs].sort((a, b) => a.name.localeCompare(b.name));
  const services = sorted.map((subgraph) => ({ name: subgraph.name, url: subgraph.url, typeDefs: parseSdl(subgraph.name, subgraph.sdl) }));
  try {
    const result = composeServices(services);
    if (result.errors) return { ok: false, errors: result.errors.map(reportError) };
    return {
      ok: true,
      supergraphSdl: result.supergraphSdl.trim() + "\n",
      // No @defer: the gateway (stock @apollo/gateway) serves toGraphQLJSSchema() without it, so an operation using it fails there too.
      apiSdl: printSchema(result.schema.toAPISchema().toGraphQLJSSchema()).trim() + "\n",
    };
  } catch (error) {
    // Composition assumes some shapes it does not check (`@link(url: 5)` is a TypeError inside it): what it throws is the input's fault.
    return { ok: false, errors: [{ code: "COMPOSITION_ERROR", message: `composition failed: ${(error as Error).message}`, locations: [] }] };
  }
}

function reportError(error: GraphQLError): CompositionErrorReport {
  const locations = (error.nodes ?? []).flatMap((node) => {
    if (!node.loc) return [];
    const { line, column } = getLocation(node.loc.source, node.loc.start);
    // Composition tags some nodes with their subgraph; the others carry it as their source's name.
    const subgraph = (node as { subgraph?: string }).subgraph ?? node.loc.source.name;
    return [{ subgraph: subgraph || null, line, column }];
  });
  return { code: typeof error.extensions?.code === "string" ? error.extensions.code : "COMPOSITION_ERROR", message: error.message, locations };
}

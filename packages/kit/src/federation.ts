import type { GraphQLResolverMap } from "@apollo/subgraph";
import { buildSubgraphSchema, printSubgraphSchema } from "@apollo/subgraph";
import { printSchemaWithDirectives } from "@graphql-tools/utils";
import type { GraphQLSchema } from "graphql";
import { DateTimeResolver } from "graphql-scalars";
import gql from "graphql-tag";
import type { BuildSchemaOptions } from "type-graphql";
import { buildSchema, createResolversMap } from "type-graphql";
import { describeRootAccess } from "./access-descriptions";
import { CACHE_CONTROL_LINK } from "./cache-hints";
import { AccessChecker, checksCaller } from "./access";
import { guardArguments } from "./input-guards";

const FEDERATION_LINK = `extend schema
  @link(
    url: "https://specs.apollo.dev/federation/v2.7"
    import: ["@key", "@shareable", "@external", "@requires", "@provides", "@inaccessible", "@tag", "@override", "@interfaceObject", "@composeDirective"]
  )`;

export interface SubgraphSchemaOptions {
  resolvers: BuildSchemaOptions["resolvers"];
  orphanedTypes?: BuildSchemaOptions["orphanedTypes"];
  /** `{ User: { __resolveReference } }`: merged in after printing, or they would be lost. */
  referenceResolvers?: GraphQLResolverMap<unknown>;
  /** What constructs resolver classes (see the runner); type-graphql's own when only the SDL is wanted. */
  container?: BuildSchemaOptions["container"];
}

/**
 * type-graphql builds the schema from decorators; it is printed with its directives and handed to
 * buildSubgraphSchema, which adds _service/_entities. Resolvers come from the type-graphql schema,
 * so its auth checks and validation still run.
 */
export async function buildFederatedSchema(options: SubgraphSchemaOptions): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: options.resolvers,
    orphanedTypes: options.orphanedTypes,
    container: options.container,
    authChecker: AccessChecker,
    // A policy's false makes its field null (`deny: "null"`); every other refusal throws its coded error.
    authMode: "null",
    skipCheck: true,
    validate: { forbidUnknownValues: false },
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    // Subgraphs declare subscription fields so they compose; the gateway delivers them
    // (graphql-ws). Nothing subscribes here, so the pub/sub type-graphql insists on refuses.
    pubSub: {
      publish: () => undefined,
      subscribe: () => {
        throw new Error("Subscriptions are served by the gateway");
      },
    },
  });
  describeRootAccess(schema);
  guardArguments(schema, checksCaller);
  const resolvers = createResolversMap(schema) as GraphQLResolverMap<unknown>;
  for (const [typeName, fields] of Object.entries(options.referenceResolvers ?? {})) {
    resolvers[typeName] = { ...(resolvers[typeName] as object), ...(fields as object) };
  }
  return buildSubgraphSchema([{ typeDefs: gql(`${FEDERATION_LINK}\n\n${CACHE_CONTROL_LINK}\n\n${printSchemaWithDirectives(schema)}`), resolvers }]);
}

/** The SDL the subgraph publishes (what composition and rover read). */
export function printSubgraphSdl(schema: GraphQLSchema): string {
  return printSubgraphSchema(schema).trim() + "\n";
}

/**
 * An entity another subgraph resolves, as this one returns it: its type with the key alone (the
 * gateway asks the owning subgraph for the rest).
 */
export function entityRef<T extends { id: string }>(type: new () => T, id: string): T {
  return Object.assign(new type(), { id });
}

import { buildFederatedSchema } from "@solo/kit";
import { GraphQLSchema } from "graphql";
import { User } from "./entities";
import { resolveUserReference, resolvers } from "./resolvers";

export function buildUsersSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema({
    resolvers,
    orphanedTypes: [User],
    referenceResolvers: { User: { __resolveReference: resolveUserReference } },
  });
}

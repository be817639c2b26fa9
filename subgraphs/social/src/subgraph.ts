import path from "node:path";
import { defineSubgraph } from "@solo/kit";
import { SocialItem } from "./entities";
import { createLoaders } from "./loaders";
import { SocialItemResolver, resolveItemReference } from "./resolvers";

/**
 * The social subgraph (say what it owns). The kit runs it from this declaration: add entities,
 * resolvers, settings, services, jobs and internal routes here as it grows (see the users,
 * content and assessments subgraphs, and `SubgraphDescriptor` in packages/kit/src/descriptor.ts).
 */
export default defineSubgraph({
  name: "social",
  schema: "social",
  entities: [SocialItem],
  migrations: path.join(__dirname, "..", "migrations"),
  resolvers: [SocialItemResolver],
  referenceResolvers: { SocialItem: { __resolveReference: resolveItemReference } },
  loaders: createLoaders,
});

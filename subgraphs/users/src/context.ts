import type { SubgraphContext } from "@solo/kit";
import type { UsersLoaders } from "./loaders";

/** What every users resolver receives per request (the kit's context, with this subgraph's loaders). */
export type UsersContext = SubgraphContext<UsersLoaders>;

import type { SubgraphContext } from "@solo/kit";
import type { ContentLoaders } from "./loaders";

/** What every content resolver receives per request (the kit's context, with this subgraph's loaders). */
export type ContentContext = SubgraphContext<ContentLoaders>;

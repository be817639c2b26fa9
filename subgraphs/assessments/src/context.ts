import type { SubgraphContext } from "@solo/kit";
import type { AssessmentsLoaders } from "./loaders";

/** What every assessments resolver receives per request (the kit's context, with this subgraph's loaders). */
export type AssessmentsContext = SubgraphContext<AssessmentsLoaders>;

import type { GatewayConfig } from "@apollo/gateway";
import { InMemoryLRUCache } from "@apollo/utils.keyvaluecache";
import type { DocumentNode } from "graphql";

type QueryPlanCache = NonNullable<NonNullable<GatewayConfig["queryPlannerConfig"]>["cache"]>;
type QueryPlan = Parameters<QueryPlanCache["set"]>[1];

/** Apollo's own measure of an entry (its JSON size), kept beside the count. */
const jsonSize = (entry: object) => InMemoryLRUCache.sizeCalculation(entry);
const MAX_JSON_BYTES = 30 * 2 ** 20;

/**
 * Apollo Server's parsed documents and the gateway's query plans, each cache bounded by entries
 * too. Apollo bounds both by the JSON size of what they hold (30 MiB each), but a parsed document
 * keeps its token list and a plan its operation objects, which JSON leaves out: under a soak where
 * one request in ten was a document never seen, the gateway grew by about 45 KiB per document and
 * passed 1 GiB in ten minutes.
 */
export function documentCaches(entries: number): { documentStore: InMemoryLRUCache<DocumentNode>; queryPlanStore: QueryPlanCache } {
  return {
    documentStore: new InMemoryLRUCache<DocumentNode>({ max: entries, maxSize: MAX_JSON_BYTES, sizeCalculation: jsonSize }),
    queryPlanStore: new InMemoryLRUCache<QueryPlan>({ max: entries, maxSize: MAX_JSON_BYTES, sizeCalculation: jsonSize }),
  };
}

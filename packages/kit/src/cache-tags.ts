import type { ApolloServerPlugin } from "@apollo/server";
import { OperationTypeNode } from "graphql";
import { CACHE_TAGS_HEADER, formatCacheTags } from "./cache-hints";

export interface TaggedContext {
  /** What `ctx.reads` named during this request. */
  readTags: Set<string>;
}

/**
 * A query's answer carries the tags its resolvers read (CACHE_TAGS_HEADER), or none at all when they
 * named nothing: the gateway then does not cache it. Too many tags to name make it uncacheable.
 */
export function cacheTagsPlugin(): ApolloServerPlugin<TaggedContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operation, contextValue, response }) {
          const header = cacheTagsHeader(operation?.operation, contextValue.readTags);
          if (header) response.http.headers.set(...header);
        },
      };
    },
  };
}

/**
 * The header that names what a query's answer read (what the gateway keeps it under), or, with too
 * many to name, `Cache-Control: no-store`; none for anything but a query that read something.
 * Set after the answer's Cache-Control, which it may replace.
 */
export function cacheTagsHeader(operation: OperationTypeNode | undefined, readTags: ReadonlySet<string> | undefined): [name: string, value: string] | undefined {
  if (operation !== OperationTypeNode.QUERY || !readTags?.size) return undefined;
  const header = formatCacheTags(readTags);
  return header === undefined ? ["cache-control", "no-store"] : [CACHE_TAGS_HEADER, header];
}

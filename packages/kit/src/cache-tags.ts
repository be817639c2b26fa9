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
          if (operation?.operation !== OperationTypeNode.QUERY || !contextValue.readTags?.size) return;
          const header = formatCacheTags(contextValue.readTags);
          // Runs before Apollo's cache-control plugin (ours are listed first), which keeps an uncacheable header.
          if (header === undefined) response.http.headers.set("cache-control", "no-store");
          else response.http.headers.set(CACHE_TAGS_HEADER, header);
        },
      };
    },
  };
}

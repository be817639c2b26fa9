import crypto from "node:crypto";
import type { ApolloServerPlugin, GraphQLRequestContext } from "@apollo/server";
import { HeaderMap } from "@apollo/server";
import type { Identity } from "@solo/kit";
import type { GraphQLSchema } from "graphql";
import { OperationTypeNode, printSchema } from "graphql";
import type { Counter } from "prom-client";
import type { GatewayContext } from "../context";
import type { ResponseCache } from "./response-cache";
import type { CachedAnswer } from "./store";

/** No answer is kept longer than this, whatever its hints say (an hour). */
export const MAX_CACHED_SECONDS = 3600;

/** Whose answers one entry serves: anonymous callers share theirs; anyone else has their own. */
function readerOf(identity: Identity): string {
  if (identity.kind === "anonymous") return "anonymous";
  if (identity.kind === "user") return `user:${identity.userId}:${identity.role}`;
  return `key:${identity.apiKeyId}`;
}

const schemaIds = new WeakMap<GraphQLSchema, string>();
/**
 * A new supergraph is a new cache: an answer is only served by the API schema that computed it,
 * named by its digest so that the replicas serving one supergraph share their answers.
 */
function schemaId(schema: GraphQLSchema): string {
  let id = schemaIds.get(schema);
  if (id === undefined) schemaIds.set(schema, (id = crypto.createHash("sha256").update(printSchema(schema)).digest("base64url")));
  return id;
}

function cacheKey(context: GraphQLRequestContext<GatewayContext>): string {
  const { request, queryHash, schema, contextValue } = context;
  return crypto
    .createHash("sha256")
    .update(`${schemaId(schema)}\n${readerOf(contextValue.identity)}\n${queryHash}\n${request.operationName ?? ""}\n${JSON.stringify(request.variables ?? {})}`)
    .digest("base64url");
}

export interface ResponseCacheMetrics {
  lookups: Counter<"result">;
  stores: Counter<"outcome">;
}

/**
 * Serves a query's answer from the cache when the same reader asked the same operation with the
 * same variables, and keeps an answer when every part of it may be kept: Apollo's cache policy
 * (the subgraphs' `@cacheControl` hints, as their responses' Cache-Control) is cacheable, every
 * fetch named what it read, and nothing errored. An anonymous answer must be PUBLIC throughout.
 * Every query's answer says how it may be cached downstream (Cache-Control: `public` only for an
 * anonymous PUBLIC answer, which a CDN may share; `private` otherwise; `no-store` when not cacheable).
 */
export function responseCachePlugin(cache: ResponseCache | undefined, metrics: ResponseCacheMetrics): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      const since = cache?.mark() ?? 0;
      let key: string | undefined;
      let hit: CachedAnswer | undefined;
      return {
        async responseForOperation(context) {
          if (!cache || contextValue.fresh || context.operation.operation !== OperationTypeNode.QUERY) return null;
          contextValue.cacheReads = { tags: new Set(), untagged: false };
          key = cacheKey(context);
          hit = await cache.lookup(key);
          metrics.lookups.inc({ result: hit ? "hit" : "miss" });
          if (!hit) return null;
          const age = Math.max(0, Math.floor((Date.now() - hit.storedAt) / 1000));
          context.overallCachePolicy.replace({ maxAge: Math.max(1, hit.maxAge - age), scope: hit.scope });
          return {
            http: {
              status: undefined,
              headers: new HeaderMap([
                ["age", String(age)],
                ["x-cache", "HIT"],
              ]),
            },
            body: { kind: "single", singleResult: { data: hit.data } },
          };
        },

        async willSendResponse(context) {
          const { response, operation, overallCachePolicy } = context;
          const result = response.body.kind === "single" ? response.body.singleResult : undefined;
          const policy = operation?.operation === OperationTypeNode.QUERY && result?.data && !result.errors ? overallCachePolicy.policyIfCacheable() : null;
          const anonymous = contextValue.identity?.kind === "anonymous";
          const shareable = anonymous && policy?.scope === "PUBLIC";
          // An anonymous answer that says it is private has no reader to be kept for.
          const kept = policy && (shareable || !anonymous) ? policy : null;
          response.http.headers.set("cache-control", kept ? `${shareable ? "public" : "private"}, max-age=${Math.min(kept.maxAge, MAX_CACHED_SECONDS)}` : "no-store");
          if (hit || !cache || !key) return;
          const reads = contextValue.cacheReads;
          if (!kept || !reads || reads.untagged || !reads.tags.size) {
            metrics.stores.inc({ outcome: "uncacheable" });
            return;
          }
          response.http.headers.set("x-cache", "MISS");
          const answer = { data: result!.data!, maxAge: Math.min(kept.maxAge, MAX_CACHED_SECONDS), scope: kept.scope, storedAt: Date.now() };
          const stored = await cache.keep(key, answer, reads.tags, since);
          metrics.stores.inc({ outcome: stored ? "kept" : "changed_meanwhile" });
        },
      };
    },
  };
}

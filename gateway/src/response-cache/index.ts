import type { EventBus, Logger } from "@solo/kit";
import { DATA_CHANGED_TOPIC, parseDataChange } from "@solo/kit";
import type Redis from "ioredis";
import { Counter, type Registry } from "prom-client";
import type { ResponseCacheMetrics } from "./plugin";
import { MAX_CACHED_SECONDS } from "./plugin";
import { ResponseCache } from "./response-cache";
import { MemoryResponseStore, RedisResponseStore } from "./store";

export { responseCachePlugin } from "./plugin";
export type { ResponseCache } from "./response-cache";

export interface ResponseCacheConfig {
  enabled: boolean;
  /** Answers kept at most in memory (without Redis), the oldest out first. */
  maxEntries: number;
  /** "redis" (shared by the replicas; the default with REDIS_URL) or "memory" (each replica its own). */
  store: "redis" | "memory";
  /** Redis key prefix: the replicas of one deployment share it (and so their cached answers). */
  keyPrefix: string;
}

export interface ResponseCacheServices {
  redis?: Redis;
  bus?: EventBus;
  /** The bus's namespace: deployments (and test stacks) sharing one Redis never share answers. */
  namespace: string;
  logger: Logger;
  registry: Registry;
}

/**
 * The response cache, in Redis when there is one (shared by the replicas), in memory otherwise,
 * evicting what the subgraphs announce as changed on the bus. Without a bus a replica could not
 * hear of a change: nothing is cached.
 */
export async function openResponseCache(config: ResponseCacheConfig, options: ResponseCacheServices): Promise<{ cache?: ResponseCache; metrics: ResponseCacheMetrics }> {
  const { redis, bus, logger, registry } = options;
  const metrics: ResponseCacheMetrics = {
    lookups: new Counter({
      name: "gateway_response_cache_lookups_total",
      help: "Queries looked up in the response cache, by result (hit, miss)",
      labelNames: ["result"],
      registers: [registry],
    }),
    stores: new Counter({
      name: "gateway_response_cache_stores_total",
      help: "Answers to queries after a miss: kept, uncacheable (hints, untagged reads, errors), or changed_meanwhile (a change to what they read arrived while they were computed)",
      labelNames: ["outcome"],
      registers: [registry],
    }),
  };
  if (!config.enabled) return { metrics };
  if (!bus) {
    logger.warn("no event bus (REDIS_URL or DATABASE_URL): the response cache is off, since changes could not be heard");
    return { metrics };
  }
  const store =
    redis && config.store === "redis"
      ? new RedisResponseStore(redis, `${config.keyPrefix}:${options.namespace}:`, MAX_CACHED_SECONDS * 1000)
      : new MemoryResponseStore(config.maxEntries);
  const cache = new ResponseCache(store, logger);
  const evictions = new Counter({
    name: "gateway_response_cache_changes_total",
    help: "Changes heard (each evicting the answers that read one of its tags)",
    registers: [registry],
  });
  await bus.subscribe(DATA_CHANGED_TOPIC, (payload) => {
    const change = parseDataChange(payload);
    if (!change) return logger.warn({ payload }, "ignored a data change of an unknown shape");
    evictions.inc();
    void cache.evict(change.tags);
  });
  // A change announced while the bus was away went unheard: start over.
  bus.onReconnect(() => void cache.clear());
  return { cache, metrics };
}

import type { Identity, Logger } from "@solo/kit";
import { rateLimitedRequest } from "@solo/kit";
import type Redis from "ioredis";
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { RateLimitConfig } from "./config";

type Bucket = "user" | "apiKey" | "anonymous";

/**
 * Fixed-window limits per user, per API key and per IP. With Redis every gateway replica shares the
 * counts; without it each keeps its own (one node only). If Redis fails, counting falls back to
 * memory rather than refusing traffic.
 */
export function createRateLimiter(config: RateLimitConfig, redis: Redis | undefined, logger: Logger) {
  const make = (bucket: Bucket, points: number): RateLimiterAbstract => {
    const base = { points, duration: config.windowSeconds, keyPrefix: `${config.keyPrefix}:${bucket}` };
    if (!redis) return new RateLimiterMemory(base);
    return new RateLimiterRedis({ ...base, storeClient: redis, insuranceLimiter: new RateLimiterMemory(base) });
  };
  const limiters: Record<Bucket, RateLimiterAbstract> = {
    user: make("user", config.user),
    apiKey: make("apiKey", config.apiKey),
    anonymous: make("anonymous", config.anonymous),
  };

  const limited = (msBeforeNext: number) => rateLimitedRequest("Too many requests", msBeforeNext);

  async function consume(bucket: Bucket, key: string): Promise<void> {
    try {
      await limiters[bucket].consume(key);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) {
        logger.error({ err: rejection }, "rate limiter failed");
        return;
      }
      throw limited(rejection.msBeforeNext);
    }
  }

  return {
    /** Counts one request for whoever made it. */
    async check(identity: Identity, ip: string): Promise<void> {
      if (identity.kind === "user") return consume("user", identity.userId);
      if (identity.kind === "apiKey") return consume("apiKey", identity.apiKeyId);
      return consume("anonymous", ip);
    },
    /** Failed authentications count against the caller's IP, which bounds token and key guessing. */
    checkFailedAuthentication(ip: string): Promise<void> {
      return consume("anonymous", ip);
    },
    /** Refuses, without counting, when the IP has spent its anonymous budget (a sign-in made with someone's token). */
    async requireIpBudget(ip: string): Promise<void> {
      const state = await limiters.anonymous.get(ip).catch((error) => logger.error({ err: error }, "rate limiter failed"));
      if (state && state.consumedPoints >= config.anonymous) throw limited(state.msBeforeNext);
    },
    /** Failed sign-ins count against the IP like failed authentications, whatever credentials came with them. */
    async countFailedSignIns(ip: string, failures: number): Promise<void> {
      await limiters.anonymous.penalty(ip, failures).catch((error) => logger.error({ err: error }, "rate limiter failed"));
    },
  };
}

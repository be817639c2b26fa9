import type { Env } from "@solo/kit";
import { envInt, envString, isProduction } from "@solo/kit";

/** Social settings, read from the environment in one place. */
export interface SocialSettings {
  /**
   * The keys platform tokens are encrypted under (SOCIAL_TOKEN_KEYS): `id:base64 of 32 bytes`,
   * comma-separated, the first encrypts, every one decrypts. Empty outside production: a key is
   * derived from the platform's internal secret (see token-cipher.ts).
   */
  tokenKeys: string;
  /** Instagram's Graph API (INSTAGRAM_GRAPH_URL); the local stand-in's in development. */
  instagramGraphUrl: string;
  /** Each call to Instagram gives up after this long (INSTAGRAM_TIMEOUT_MS, 10 s). */
  instagramTimeoutMs: number;
  /** Publishing processes `npm start` runs (PUBLISHER_REPLICAS, 1). */
  publisherReplicas: number;
  /** How often an idle publisher looks for due posts (PUBLISH_POLL_MS, 5 s). */
  publishPollMs: number;
  /**
   * How long a publisher holds a claimed post (PUBLISH_LEASE_MS, 2 min): a post whose publisher
   * died is taken up again after it. Longer than the calls made under it, so a live claim never lapses.
   */
  publishLeaseMs: number;
  /** The first retry waits this long, each later one twice as long (PUBLISH_BACKOFF_MS, 30 s). */
  publishBackoffMs: number;
  /** Posts one account may publish per rolling 24 hours (PUBLISH_DAILY_LIMIT, Instagram's 25). */
  publishDailyLimit: number;
}

const DEFAULT_INSTAGRAM_GRAPH_URL = "https://graph.instagram.com/v23.0";

export function socialSettingsFromEnv(env: Env): SocialSettings {
  const settings: SocialSettings = {
    tokenKeys: envString("SOCIAL_TOKEN_KEYS", "", env),
    instagramGraphUrl: envString("INSTAGRAM_GRAPH_URL", DEFAULT_INSTAGRAM_GRAPH_URL, env),
    instagramTimeoutMs: envInt("INSTAGRAM_TIMEOUT_MS", 10_000, env),
    publisherReplicas: envInt("PUBLISHER_REPLICAS", 1, env),
    publishPollMs: envInt("PUBLISH_POLL_MS", 5_000, env),
    publishLeaseMs: envInt("PUBLISH_LEASE_MS", 120_000, env),
    publishBackoffMs: envInt("PUBLISH_BACKOFF_MS", 30_000, env),
    publishDailyLimit: envInt("PUBLISH_DAILY_LIMIT", 25, env),
  };
  if (isProduction() && !settings.tokenKeys) throw new Error("SOCIAL_TOKEN_KEYS must be set in production");
  // Under one renewal of its lease a publisher makes at most four calls (content's file URL,
  // container status, container, publish), each cut off after INSTAGRAM_TIMEOUT_MS.
  if (settings.publishLeaseMs <= 4 * settings.instagramTimeoutMs) {
    throw new Error("PUBLISH_LEASE_MS must be more than four times INSTAGRAM_TIMEOUT_MS: a claim must outlast the calls made under it");
  }
  return settings;
}

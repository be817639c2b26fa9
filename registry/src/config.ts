import { envInt, envString, eventBusNamespace, migrateOnStart, subgraphUrl } from "@solo/kit";

export interface RegistryConfig {
  port: number;
  host: string;
  /** Postgres; the registry keeps its state in schema `registry`. */
  databaseUrl: string;
  /** The users subgraph's /graphql URL: API keys are verified there. Unset: only service tokens are accepted. */
  usersUrl?: string;
  /** Redis for the event bus; Postgres LISTEN/NOTIFY when unset. */
  redisUrl?: string;
  eventBusNamespace: string;
  /** Uplink's minDelaySeconds: how long a gateway waits before it polls again. */
  minDelaySeconds: number;
  /** Checks validate operations the gateways saw within this many days. */
  checkUsageDays: number;
  /** MIGRATE_ON_START: false, it waits for `npm run migrate` rather than migrate its schema itself (default true). */
  migrateOnStart?: boolean;
}

export function registryConfigFromEnv(): RegistryConfig {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error("DATABASE_URL is required: the registry keeps its state in Postgres");
  return {
    port: envInt("PORT", 4100),
    host: envString("HOST", "127.0.0.1"),
    databaseUrl,
    usersUrl: subgraphUrl("users"),
    redisUrl: process.env.REDIS_URL || undefined,
    eventBusNamespace: eventBusNamespace(),
    minDelaySeconds: envInt("REGISTRY_MIN_DELAY_SECONDS", 5),
    checkUsageDays: envInt("REGISTRY_CHECK_USAGE_DAYS", 30),
    migrateOnStart: migrateOnStart(),
  };
}

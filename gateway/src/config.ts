import path from "node:path";
import { corsOriginsFromEnv, dataDir, envBoolean, envFraction, envInt, graphiqlEnabled, envString, eventBusNamespace, isProduction, projectRoot } from "@solo/kit";
import type { AdmissionLimits } from "@solo/kit";
import { DEFAULT_REGISTRY_URL, GRAPH_REF } from "@solo/registry";
import type { ResponseCacheConfig } from "./response-cache";

export interface RateLimitConfig {
  /** Requests per window for one signed-in user. */
  user: number;
  /** Requests per window for one API key. */
  apiKey: number;
  /** Requests per window for one IP address without credentials (and for failed authentications). */
  anonymous: number;
  windowSeconds: number;
  /** Redis key prefix; replicas of one deployment share it. */
  keyPrefix: string;
}

export interface GatewayConfig {
  port: number;
  host: string;
  /**
   * "file": schema/supergraph.graphql (default); "compose": compose the running subgraphs
   * (development); "registry": the schema registry's current launch, followed as it changes.
   */
  supergraphSource: "file" | "compose" | "registry";
  supergraphPath: string;
  /** name → URL; overrides the routing URLs in the supergraph (compose mode needs every subgraph here). */
  subgraphUrls: Record<string, string>;
  redisUrl?: string;
  /** Postgres for the event bus (LISTEN/NOTIFY) when there is no Redis. */
  databaseUrl?: string;
  /** The event bus namespace the subgraphs publish in (EVENT_BUS_NAMESPACE). */
  eventBusNamespace: string;
  limits: { maxDepth: number; maxAliases: number; maxCost: number; maxTokens: number; maxBodyBytes: number };
  rateLimit: RateLimitConfig;
  /** Introspection for everyone (development) or for admins only (production default). */
  introspection: "everyone" | "admins";
  /** How often a live connection's credentials are checked again (30 s). */
  liveReauthenticateMs: number;
  /**
   * READY_REQUIRES_SUBGRAPHS: whether /ready waits for every subgraph's /ready (default true). Off
   * behind a load balancer that follows it (Kubernetes): one subgraph down would take every gateway
   * out of rotation, where they can still answer every field but that subgraph's.
   */
  readyRequiresSubgraphs?: boolean;
  /** A WebSocket message (all its frames) above this closes its socket with 1009, unread. */
  maxWsMessageBytes: number;
  /** Subscriptions one socket may have open or starting at once. */
  maxSubscriptionsPerConnection: number;
  /** Sockets from one client IP not (yet) signed in as a user or API key; more are refused with 429. */
  maxUnauthenticatedSocketsPerIp: number;
  /** A subgraph fetch not answered by then fails as SERVICE_UNAVAILABLE (30 s). */
  subgraphTimeoutMs: number;
  /**
   * How long users' answer about a session or key is used (60 s; 0 asks on every request). Changes
   * drop answers at once; this bounds an answer whose change went unheard.
   */
  credentialCacheMs: number;
  /** Identical subgraph queries in flight at once (same identity, operation, variables) go as one fetch. */
  shareInFlightQueries: boolean;
  /** Query answers the subgraphs' hints allow, kept until a change they read is announced (or their maxAge). */
  responseCache: ResponseCacheConfig;
  /** Requests over HTTP served at once, waiting, and for how long at most; past these, 503 with Retry-After. */
  admission: AdmissionLimits;
  /** Parsed documents (HTTP's, and valid subscriptions' per schema), and query plans, kept at most (1,000 each; the least recently used go first). */
  documentCacheEntries: number;
  /** Drop field suggestions and the subgraph names of forwarded errors (production default; SERVICE_UNAVAILABLE still names its service). */
  hideSchemaDetails: boolean;
  /** Browser origins (exact, or `*` for the port) allowed on /graphql over HTTP and WebSocket. */
  corsOrigins: string[];
  /** The schema registry (supergraph in registry mode, trusted documents, usage, variants). */
  registry: {
    url: string;
    /** A registry:read (and, for usage, registry:write) key; unset: a platform service token. */
    apiKey?: string;
    /** Graph and variant of the supergraph, as Uplink names them. */
    graphRef: string;
    /** Whether the registry's routing URLs are used for subgraphs with no SUBGRAPH_URL_<NAME> (default: outside production only). */
    trustRoutingUrls: boolean;
    /** Where the last supergraph served is kept, to start from when the registry is down at start ("": not kept). */
    cachePath?: string;
  };
  /** A manifest of trusted documents (outside registry mode; Apollo's format or codegen's). */
  trustedDocumentsPath?: string;
  /** Anonymous requests must send a trusted document's hash (PERSISTED_QUERY_REQUIRED otherwise). */
  requireTrustedDocumentsForAnonymous: boolean;
  /** Operations, clients and schema coordinates sent to the registry (POST /usage). */
  usage: { enabled: boolean; flushSeconds: number; /** Distinct (operation, day, client) counts held between flushes. */ maxEntries: number };
  /** GraphiQL at `/` and for browsers at /graphql (GRAPHIQL; default: on outside production). */
  graphiql: boolean;
  /** The local mail catcher's mailbox, served at GET /dev/mail; never set in production. */
  devMailboxPath?: string;
}

/** SUBGRAPHS="users=http://...,content=http://..." and SUBGRAPH_URL_<NAME>=http://... */
function subgraphUrlsFromEnv(): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const pair of (process.env.SUBGRAPHS ?? "").split(",").filter(Boolean)) {
    const [name, url] = pair.split("=");
    if (name && url) urls[name.trim()] = url.trim();
  }
  for (const [key, value] of Object.entries(process.env)) {
    const match = /^SUBGRAPH_URL_([A-Z0-9_]+)$/.exec(key);
    // Subgraph names have hyphens where variable names have underscores (study-groups: SUBGRAPH_URL_STUDY_GROUPS).
    if (match && value) urls[match[1].toLowerCase().replace(/_/g, "-")] = value;
  }
  return urls;
}

/** Limits where 0 would not mean "none" (ws reads a maxPayload of 0 as unlimited; every socket starts unsigned). */
function envPositive(name: string, fallback: number): number {
  const value = envInt(name, fallback);
  if (value < 1) throw new Error(`${name} must be at least 1, got ${value}`);
  return value;
}

/** RESPONSE_CACHE_STORE: redis when REDIS_URL is set, memory otherwise, unless it says. */
function responseCacheStore(): "redis" | "memory" {
  const store = envString("RESPONSE_CACHE_STORE", process.env.REDIS_URL ? "redis" : "memory");
  if (store !== "redis" && store !== "memory") throw new Error(`RESPONSE_CACHE_STORE must be redis or memory, got ${store}`);
  return store;
}

export function gatewayConfigFromEnv(): GatewayConfig {
  const source = envString("SUPERGRAPH_SOURCE", "file");
  if (source !== "file" && source !== "compose" && source !== "registry") {
    throw new Error(`SUPERGRAPH_SOURCE must be file, compose or registry, got ${source}`);
  }
  const introspection = envString("INTROSPECTION", isProduction() ? "admins" : "everyone");
  if (introspection !== "everyone" && introspection !== "admins") {
    throw new Error(`INTROSPECTION must be everyone or admins, got ${introspection}`);
  }
  return {
    port: envInt("PORT", 4000),
    host: envString("HOST", "127.0.0.1"),
    supergraphSource: source,
    supergraphPath: envString("SUPERGRAPH_PATH", path.join(projectRoot(), "schema", "supergraph.graphql")),
    subgraphUrls: subgraphUrlsFromEnv(),
    redisUrl: process.env.REDIS_URL || undefined,
    databaseUrl: process.env.DATABASE_URL || undefined,
    eventBusNamespace: eventBusNamespace(),
    limits: {
      maxDepth: envInt("MAX_DEPTH", 10),
      maxAliases: envInt("MAX_ALIASES", 15),
      maxCost: envInt("MAX_COST", 5000),
      maxTokens: envInt("MAX_TOKENS", 2000),
      // Room for the longest text an input takes (100,000 characters, up to 300,000 bytes of
      // UTF-8), and a quarter of the subgraphs' 2 MiB (SUBGRAPH_MAX_BODY_BYTES), so what a client
      // sends fits the fetches that carry it on.
      maxBodyBytes: envInt("MAX_BODY_BYTES", 524_288),
    },
    rateLimit: {
      user: envInt("RATE_LIMIT_USER", 600),
      apiKey: envInt("RATE_LIMIT_API_KEY", 1200),
      anonymous: envInt("RATE_LIMIT_ANONYMOUS", 120),
      windowSeconds: envInt("RATE_LIMIT_WINDOW_SECONDS", 60),
      keyPrefix: envString("RATE_LIMIT_KEY_PREFIX", "solo:rl"),
    },
    introspection,
    hideSchemaDetails: isProduction(),
    liveReauthenticateMs: envInt("LIVE_REAUTHENTICATE_SECONDS", 30) * 1000,
    readyRequiresSubgraphs: envBoolean("READY_REQUIRES_SUBGRAPHS", true),
    maxWsMessageBytes: envPositive("MAX_WS_MESSAGE_BYTES", 65_536),
    maxSubscriptionsPerConnection: envPositive("MAX_SUBSCRIPTIONS_PER_CONNECTION", 50),
    maxUnauthenticatedSocketsPerIp: envPositive("MAX_UNAUTHENTICATED_SOCKETS_PER_IP", 20),
    corsOrigins: corsOriginsFromEnv(),
    registry: {
      url: envString("REGISTRY_URL", DEFAULT_REGISTRY_URL),
      apiKey: process.env.REGISTRY_KEY || undefined,
      graphRef: envString("REGISTRY_GRAPH_REF", GRAPH_REF),
      trustRoutingUrls: envBoolean("REGISTRY_TRUST_ROUTING_URLS", !isProduction()),
      cachePath: process.env.REGISTRY_SUPERGRAPH_CACHE ?? path.join(dataDir(), "gateway", "last-supergraph.json"),
    },
    trustedDocumentsPath: process.env.TRUSTED_DOCUMENTS_PATH || undefined,
    requireTrustedDocumentsForAnonymous: envBoolean("REQUIRE_TRUSTED_DOCUMENTS_FOR_ANONYMOUS", false),
    usage: {
      // On where there is a registry to send it to.
      enabled: source === "registry" && envBoolean("USAGE_REPORTING", true),
      flushSeconds: envPositive("USAGE_FLUSH_SECONDS", 10),
      maxEntries: envPositive("USAGE_MAX_ENTRIES", 10_000),
    },
    subgraphTimeoutMs: envInt("SUBGRAPH_TIMEOUT_MS", 30_000),
    credentialCacheMs: envInt("CREDENTIAL_CACHE_SECONDS", 60) * 1000,
    shareInFlightQueries: envBoolean("SHARE_IN_FLIGHT_QUERIES", true),
    responseCache: {
      enabled: envBoolean("RESPONSE_CACHE", true),
      maxEntries: envPositive("RESPONSE_CACHE_MAX_ENTRIES", 10_000),
      store: responseCacheStore(),
      keyPrefix: envString("RESPONSE_CACHE_KEY_PREFIX", "solo:rc"),
    },
    admission: {
      // Enough to keep this machine's cores and its subgraphs busy; more only lengthens the wait of each.
      maxInFlight: envInt("MAX_IN_FLIGHT_REQUESTS", 64),
      maxQueued: envInt("MAX_QUEUED_REQUESTS", 128),
      maxWaitMs: envInt("MAX_QUEUE_WAIT_MS", 250),
      maxEventLoopUtilization: envFraction("MAX_EVENT_LOOP_UTILIZATION", 0.98),
    },
    documentCacheEntries: envPositive("DOCUMENT_CACHE_ENTRIES", 1000),
    graphiql: graphiqlEnabled(),
    // Opt-in (npm start sets it when it runs the catcher): the mailbox holds sign-in secrets, so a
    // gateway that merely is not in production (docker compose's default) does not serve it.
    devMailboxPath: isProduction() ? undefined : process.env.DEV_MAILBOX_PATH || undefined,
  };
}

import fs from "node:fs";
import { ApolloGateway, IntrospectAndCompose } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginCacheControl } from "@apollo/server/plugin/cacheControl";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { expressMiddleware } from "@as-integrations/express5";
import type { Logger, RunningService } from "@solo/kit";
import {
  NotReadyError,
  admissionControl,
  createHttpApp,
  createLogger,
  createEventBus,
  createMetrics,
  formatError,
  listen,
  observabilityPlugin,
  shutdownDelayMs,
} from "@solo/kit";
import { operationCoordinates } from "@solo/registry";
import express from "express";
import type { GraphQLSchema } from "graphql";
import Redis from "ioredis";
import { Counter } from "prom-client";
import { disableApolloTelemetryUnlessAsked } from "./apollo-telemetry";
import { createAuthenticator } from "./authenticate";
import { openCredentialCache } from "./credential-cache";
import { documentCaches } from "./document-caches";
import type { GatewayConfig } from "./config";
import type { GatewayContext } from "./context";
import { corsForOrigins, upgradeOriginCheck } from "./cors";
import { mountDashboard } from "./dashboard";
import { mountDevMailbox } from "./dev-mail";
import { mountGraphiQL } from "./graphiql";
import { introspectionGuard } from "./introspection";
import { bodyErrorHandler, limitRules, httpOperationGuard, requestShapeGuard } from "./limits";
import { resultMediaType, specStatusCodes } from "./http-status";
import { createRateLimiter } from "./rate-limit";
import type { LiveField } from "./live-fields";
import { readLiveFields } from "./live-fields";
import { signInGuard } from "./sign-in-guard";
import { registryHttp } from "./registry-http";
import { RegistrySupergraphManager } from "./registry-supergraph";
import { openResponseCache, responseCachePlugin } from "./response-cache";
import { IdentityForwardingDataSource } from "./subgraph-data-source";
import { attachSubscriptions } from "./subscriptions";
import {
  checkPersistedHash,
  checkTrustedDocument,
  manifestDocuments,
  resolveSubscribeDocument,
  noDocuments,
  persistedQueryOf,
  registryDocuments,
  requiresTrustedDocument,
  trustedDocumentCache,
} from "./trusted-documents";
import { clientIp } from "./unauthenticated-sockets";
import { UsageRecorder, usagePlugin } from "./usage";
import { variantGuard, variantSchemas, variantSubscribeErrors } from "./variants";
import { endpointChanges, subgraphEndpoints, subgraphsNotReady, untrustedRouting } from "./supergraph";

export async function startGateway(config: GatewayConfig, logger: Logger = createLogger("gateway")): Promise<RunningService> {
  const metrics = createMetrics("gateway");
  // Fetches per subgraph: with DataLoader-style batching in the query planner, a request costs a
  // number of fetches fixed by its shape, not by the length of its lists.
  const subgraphFetches = new Counter({
    name: "subgraph_fetches_total",
    help: "Fetches the query plans made to each subgraph (those that shared an identical one in flight included: subgraph_fetches_shared_total)",
    labelNames: ["subgraph"],
    registers: [metrics.registry],
  });
  const sharedFetches = new Counter({
    name: "subgraph_fetches_shared_total",
    help: "Subgraph queries not sent because an identical one (same subgraph, identity, operation and variables) was in flight: they shared its answer",
    labelNames: ["subgraph"],
    registers: [metrics.registry],
  });
  const redis = config.redisUrl ? new Redis(config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true }) : undefined;
  redis?.on("error", (error) => logger.warn({ err: error }, "redis error"));
  // Counting starts in Redis: until it connects, limits would fall back to this replica's memory.
  await redis?.connect().catch((error) => logger.warn({ err: error }, "redis unavailable at start; rate limits use memory until it is"));

  // Subscriptions need the API schema and the supergraph's live tags, whichever way it loads.
  let live: { schema: GraphQLSchema; liveFields: Map<string, LiveField> } | undefined;
  const bus =
    config.redisUrl || config.databaseUrl
      ? await createEventBus({ redisUrl: config.redisUrl, databaseUrl: config.databaseUrl ?? "", logger, namespace: config.eventBusNamespace })
      : undefined;
  if (!bus) logger.warn("neither REDIS_URL nor DATABASE_URL is set: subscriptions are off");
  const credentialCache = await openCredentialCache(config.credentialCacheMs, bus, logger);
  const responseCache = await openResponseCache(config.responseCache, { redis, bus, namespace: config.eventBusNamespace, logger, registry: metrics.registry });

  // Where each subgraph answers: from the supergraph being served (its routing URLs, with the
  // configured overrides), so a launch that adds or moves a subgraph moves its readiness check too.
  let endpoints: Record<string, string> = {};
  let supergraphSdl: string | IntrospectAndCompose | RegistrySupergraphManager;
  let registrySource: RegistrySupergraphManager | undefined;
  if (config.supergraphSource === "file") {
    supergraphSdl = fs.readFileSync(config.supergraphPath, "utf8");
  } else if (config.supergraphSource === "compose") {
    endpoints = config.subgraphUrls;
    supergraphSdl = new IntrospectAndCompose({
      subgraphs: Object.entries(endpoints).map(([name, url]) => ({ name, url })),
    });
  } else {
    const refusals = new Counter({
      name: "registry_launches_refused_total",
      help: "Supergraphs from the registry not served: routing to an unconfigured URL, or an answer that could not be used",
      labelNames: ["reason"],
      registers: [metrics.registry],
    });
    registrySource = new RegistrySupergraphManager({
      ...config.registry,
      logger,
      bus,
      refuse: config.registry.trustRoutingUrls ? undefined : untrustedRouting(config.subgraphUrls),
      onRefused: (reason) => refusals.inc({ reason }),
    });
    supergraphSdl = registrySource;
  }

  const subscriptionExecutions = new Counter({
    name: "subscription_executions_total",
    help: "Executions of live-update queries (one per event per group of subscribers who get the same answer)",
    labelNames: ["field"],
    registers: [metrics.registry],
  });

  disableApolloTelemetryUnlessAsked();
  const { documentStore, queryPlanStore } = documentCaches(config.documentCacheEntries);
  const gateway = new ApolloGateway({
    supergraphSdl,
    queryPlannerConfig: { cache: queryPlanStore },
    buildService: ({ name, url }) =>
      new IdentityForwardingDataSource({
        name,
        url: config.subgraphUrls[name] ?? url,
        timeoutMs: config.subgraphTimeoutMs,
        logger,
        onFetch: () => subgraphFetches.inc({ subgraph: name }),
        onSharedFetch: config.shareInFlightQueries ? () => sharedFetches.inc({ subgraph: name }) : undefined,
        onCredentialsChanged: (change) => credentialCache.forget(change),
        onDataChanged: async (tags) => responseCache.cache?.evict(tags),
      }),
    logger,
  });
  const swaps = new Counter({
    name: "supergraph_swaps_total",
    help: "Supergraphs served after the first (each a schema and planner swap)",
    registers: [metrics.registry],
  });
  let loaded = false;
  gateway.onSchemaLoadOrUpdate(({ apiSchema, coreSupergraphSdl }) => {
    live = { schema: apiSchema, liveFields: readLiveFields(coreSupergraphSdl) };
    if (config.supergraphSource !== "compose") {
      const next = subgraphEndpoints(coreSupergraphSdl, config.subgraphUrls);
      const changes = endpointChanges(endpoints, next);
      // Where every caller's identity is sent next: an operator should see each move.
      if (loaded && Object.keys(changes).length) logger.warn({ changes }, "the new supergraph routes subgraphs to other URLs");
      endpoints = next;
    }
    if (loaded) swaps.inc();
    loaded = true;
  });
  const registry = registryHttp(config.registry);
  const trustedDocuments =
    config.supergraphSource === "registry"
      ? registryDocuments(registry, logger)
      : config.trustedDocumentsPath
        ? manifestDocuments(config.trustedDocumentsPath)
        : noDocuments;
  // Usage goes to the registry, recorded off the request path (a count in memory per request).
  const usage = config.usage.enabled
    ? new UsageRecorder({
        registry,
        coordinates: operationCoordinates,
        flushSeconds: config.usage.flushSeconds,
        maxEntries: config.usage.maxEntries,
        logger,
        metrics: metrics.registry,
      })
    : undefined;
  void usage?.checkAccess();
  const schemaOfVariant = variantSchemas({ registry: registrySource && registry, launchId: () => registrySource?.launchId, logger, bus });
  const credentialChecks = new Counter({
    name: "gateway_credential_checks_total",
    help: "Session and API-key checks, by where the answer came from (the cache, or the users subgraph)",
    labelNames: ["kind", "source"],
    registers: [metrics.registry],
  });
  const authenticate = createAuthenticator({
    usersUrl: () => endpoints.users,
    logger,
    cache: credentialCache,
    onCheck: (kind, source) => credentialChecks.inc({ kind, source }),
  });
  const rateLimiter = createRateLimiter(config.rateLimit, redis, logger);

  // Shared by HTTP and WebSocket subscriptions.
  const validationRules = limitRules(config.limits);
  const formatGraphQLError = formatError({ production: config.hideSchemaDetails });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    // Gated per request by introspectionGuard, which knows who is asking.
    introspection: true,
    validationRules,
    documentStore,
    formatError: formatGraphQLError,
    // Shutdown is ours (exitGracefullyOnSignals): Apollo's own handler would stop it twice.
    stopOnTerminationSignals: false,
    allowBatchedHttpRequests: false,
    // APQ over the trusted documents only: a hash finds a published document, never one a client sent.
    persistedQueries: { cache: trustedDocumentCache(trustedDocuments), ttl: null },
    csrfPrevention: true,
    plugins: [
      // Browsers get GraphiQL, served from here (mountGraphiQL), never Apollo's pages from a CDN.
      ApolloServerPluginLandingPageDisabled(),
      // The subgraphs' hints make the policy; responseCachePlugin writes the Cache-Control it implies.
      ApolloServerPluginCacheControl({ calculateHttpHeaders: false }),
      responseCachePlugin(responseCache.cache, responseCache.metrics),
      observabilityPlugin(metrics),
      introspectionGuard(config.introspection),
      variantGuard(schemaOfVariant),
      httpOperationGuard,
      specStatusCodes,
      signInGuard(rateLimiter),
      ...(usage ? [usagePlugin(usage)] : []),
    ],
  });
  await apollo.start();

  const app = createHttpApp({
    logger,
    metrics,
    ready: async () => {
      if (config.readyRequiresSubgraphs === false) return;
      const down = await subgraphsNotReady(endpoints);
      if (down.length) throw new NotReadyError(`subgraphs not ready: ${down.join(", ")}`, { down });
    },
  });
  mountDashboard(app);
  if (config.graphiql) mountGraphiQL(app, logger);
  if (config.devMailboxPath) mountDevMailbox(app, config.devMailboxPath);
  app.use(
    "/graphql",
    corsForOrigins(config.corsOrigins),
    // Before the body is read: a refusal costs only its own small answer.
    admissionControl(config.admission, metrics.registry, "gateway"),
    express.json({ limit: config.limits.maxBodyBytes }),
    bodyErrorHandler(config.limits.maxBodyBytes),
    requestShapeGuard(config.limits),
    expressMiddleware(apollo, {
      context: async ({ req }): Promise<GatewayContext> => {
        const ip = req.ip ?? "unknown";
        let identity;
        try {
          identity = await authenticate({
            authorization: req.header("authorization"),
            apiKey: req.header("x-api-key"),
          });
        } catch (error) {
          await rateLimiter.checkFailedAuthentication(ip);
          throw error;
        }
        await rateLimiter.check(identity, ip);
        const persisted = persistedQueryOf(req);
        checkPersistedHash(persisted);
        if (requiresTrustedDocument(identity, config.requireTrustedDocumentsForAnonymous)) await checkTrustedDocument(persisted, trustedDocuments);
        // A hash alone is looked up here, before Apollo's APQ: a registry that cannot answer is a coded
        // SERVICE_UNAVAILABLE (503) from here, where inside APQ it would be a 500. The answer is cached.
        else if (persisted.hash && persisted.text === undefined) await trustedDocuments.get(persisted.hash);
        return { identity, requestId: req.id, log: req.log, ip, resultMediaType: resultMediaType(req) };
      },
    }),
  );

  const running = await listen(app, config.port, config.host, async () => {
    await apollo.stop();
    // What the last requests counted goes out before the process does.
    await usage?.close();
    await schemaOfVariant.close();
    await redis?.quit().catch(() => undefined);
    await bus?.close();
  });
  const subscriptions = bus
    ? attachSubscriptions({
        server: running.server,
        apollo,
        bus,
        logger,
        executions: subscriptionExecutions,
        current: () => live,
        authenticate,
        clientIp: (request) => clientIp(app, request),
        rateLimit: (identity, ip) => rateLimiter.check(identity, ip),
        onFailedAuthentication: (ip) => rateLimiter.checkFailedAuthentication(ip),
        limits: {
          rules: validationRules,
          maxTokens: config.limits.maxTokens,
          maxMessageBytes: config.maxWsMessageBytes,
          maxSubscriptionsPerConnection: config.maxSubscriptionsPerConnection,
          maxUnauthenticatedSocketsPerIp: config.maxUnauthenticatedSocketsPerIp,
        },
        formatError: formatGraphQLError,
        reauthenticateMs: config.liveReauthenticateMs,
        acceptsOrigin: upgradeOriginCheck(config.corsOrigins),
        documentCacheEntries: config.documentCacheEntries,
        admitDocument: async (payload, identity) => {
          const resolved = await resolveSubscribeDocument(payload, identity, trustedDocuments, config.requireTrustedDocumentsForAnonymous);
          if (Array.isArray(resolved)) return resolved;
          const refused = await variantSubscribeErrors(resolved, identity, schemaOfVariant);
          return refused.length ? refused : resolved;
        },
      })
    : undefined;
  logger.info({ url: running.url, subgraphs: endpoints }, "gateway ready");
  return {
    url: running.url,
    port: running.port,
    // Out of the load balancer's rotation first (SHUTDOWN_DELAY_MS, every request still served).
    // Its first half lets the balancers stop sending here; over its second, the sockets close with
    // 1001 one after another, so their clients reconnect to the replicas staying as a stream, not
    // a burst. Then the sockets opened meanwhile (1001 after in-flight events), then HTTP, then
    // what both used.
    close: async () => {
      const drained = running.drain();
      const delay = shutdownDelayMs();
      if (subscriptions && delay > 0) {
        await new Promise((resolve) => setTimeout(resolve, delay / 2));
        await subscriptions.moveClients(delay / 2);
      }
      await drained;
      await subscriptions?.close();
      await running.close();
    },
  };
}
export { gatewayConfigFromEnv } from "./config";
export type { GatewayConfig } from "./config";

import fs from "node:fs";
import { ApolloGateway, IntrospectAndCompose } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { expressMiddleware } from "@as-integrations/express5";
import type { Logger, RunningService } from "@solo/kit";
import { NotReadyError, createHttpApp, createLogger, createEventBus, createMetrics, formatError, listen, observabilityPlugin } from "@solo/kit";
import express from "express";
import type { GraphQLSchema } from "graphql";
import Redis from "ioredis";
import { Counter } from "prom-client";
import { createAuthenticator } from "./authenticate";
import type { GatewayConfig } from "./config";
import type { GatewayContext } from "./context";
import { corsForOrigins, upgradeOriginCheck } from "./cors";
import { mountDashboard } from "./dashboard";
import { mountDevMailbox } from "./dev-mail";
import { introspectionGuard } from "./introspection";
import { bodyErrorHandler, limitRules, httpOperationGuard, requestShapeGuard } from "./limits";
import { createRateLimiter } from "./rate-limit";
import type { LiveField } from "./live-fields";
import { readLiveFields } from "./live-fields";
import { signInGuard } from "./sign-in-guard";
import { IdentityForwardingDataSource } from "./subgraph-data-source";
import { attachSubscriptions } from "./subscriptions";
import { clientIp } from "./unauthenticated-sockets";
import { subgraphEndpoints, subgraphsNotReady } from "./supergraph";

export async function startGateway(config: GatewayConfig, logger: Logger = createLogger("gateway")): Promise<RunningService> {
  const metrics = createMetrics("gateway");
  // Fetches per subgraph: with DataLoader-style batching in the query planner, a request costs a
  // number of fetches fixed by its shape, not by the length of its lists.
  const subgraphFetches = new Counter({
    name: "subgraph_fetches_total",
    help: "Requests the gateway sent to each subgraph",
    labelNames: ["subgraph"],
    registers: [metrics.registry],
  });
  const redis = config.redisUrl ? new Redis(config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true }) : undefined;
  redis?.on("error", (error) => logger.warn({ err: error }, "redis error"));
  // Counting starts in Redis: until it connects, limits would fall back to this replica's memory.
  await redis?.connect().catch((error) => logger.warn({ err: error }, "redis unavailable at start; rate limits use memory until it is"));

  let endpoints: Record<string, string>;
  let supergraphSdl: string | IntrospectAndCompose;
  if (config.supergraphSource === "file") {
    supergraphSdl = fs.readFileSync(config.supergraphPath, "utf8");
    endpoints = subgraphEndpoints(supergraphSdl, config.subgraphUrls);
  } else {
    endpoints = config.subgraphUrls;
    supergraphSdl = new IntrospectAndCompose({
      subgraphs: Object.entries(endpoints).map(([name, url]) => ({ name, url })),
    });
  }

  // Subscriptions need the API schema and the supergraph's live tags, whichever way it loads.
  let live: { schema: GraphQLSchema; liveFields: Map<string, LiveField> } | undefined;
  const bus =
    config.redisUrl || config.databaseUrl
      ? await createEventBus({ redisUrl: config.redisUrl, databaseUrl: config.databaseUrl ?? "", logger, namespace: config.eventBusNamespace })
      : undefined;
  if (!bus) logger.warn("neither REDIS_URL nor DATABASE_URL is set: subscriptions are off");
  const subscriptionExecutions = new Counter({
    name: "subscription_executions_total",
    help: "Executions of live-update queries (one per event per group of subscribers who get the same answer)",
    labelNames: ["field"],
    registers: [metrics.registry],
  });

  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) =>
      new IdentityForwardingDataSource({
        name,
        url: endpoints[name] ?? url,
        timeoutMs: config.subgraphTimeoutMs,
        logger,
        onFetch: () => subgraphFetches.inc({ subgraph: name }),
      }),
    logger,
  });
  gateway.onSchemaLoadOrUpdate(({ apiSchema, coreSupergraphSdl }) => {
    live = { schema: apiSchema, liveFields: readLiveFields(coreSupergraphSdl) };
  });
  const authenticate = createAuthenticator({
    usersUrl: () => endpoints.users,
    logger,
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
    formatError: formatGraphQLError,
    // Shutdown is ours (exitGracefullyOnSignals): Apollo's own handler would stop it twice.
    stopOnTerminationSignals: false,
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    plugins: [observabilityPlugin(metrics), introspectionGuard(config.introspection), httpOperationGuard, signInGuard(rateLimiter)],
  });
  await apollo.start();

  const app = createHttpApp({
    logger,
    metrics,
    ready: async () => {
      const down = await subgraphsNotReady(endpoints);
      if (down.length) throw new NotReadyError(`subgraphs not ready: ${down.join(", ")}`, { down });
    },
  });
  mountDashboard(app);
  if (config.devMailboxPath) mountDevMailbox(app, config.devMailboxPath);
  app.use(
    "/graphql",
    corsForOrigins(config.corsOrigins),
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
        return { identity, requestId: req.id, log: req.log, ip };
      },
    }),
  );

  const running = await listen(app, config.port, config.host, async () => {
    await apollo.stop();
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
      })
    : undefined;
  logger.info({ url: running.url, subgraphs: endpoints }, "gateway ready");
  return {
    url: running.url,
    port: running.port,
    // Sockets first (1001 after in-flight events), then HTTP, then what both used.
    close: async () => {
      await subscriptions?.close();
      await running.close();
    },
  };
}
export { gatewayConfigFromEnv } from "./config";
export type { GatewayConfig } from "./config";

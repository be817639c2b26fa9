import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import type { EntityManager } from "@mikro-orm/postgresql";
import type { IncomingMessage, RequestListener } from "node:http";
import type { Express } from "express";
import type { GraphQLError, GraphQLSchema } from "graphql";
import { formatError, observabilityPlugin, operationRecorder } from "./apollo";
import { queryRunner } from "./query-runner";
import { tracingEnabled } from "./tracing";
import { cachePolicyPlugin } from "./cache-policy";
import { cacheTagsPlugin, type TaggedContext } from "./cache-tags";
import { DATA_CHANGED_HEADER, wellFormedTags } from "./cache-hints";
import { isProduction } from "./config";
import { requestError } from "./errors";
import type { RunningService } from "./http";
import { admissionControl } from "./admission";
import { createHttpApp, listen, trackRequest } from "./http";
import { graphqlEndpoint } from "./graphql-endpoint";
import type { Identity } from "./identity";
import { ANONYMOUS, GATEWAY_KEY_HEADER, IDENTITY_HEADER, isAnonymousGatewayKey, readSignedIdentity } from "./identity";
import type { SubgraphLimits } from "./limits";
import { limitResolvedFields, limitRules, subgraphLimitsFromEnv } from "./limits";
import type { Logger } from "./logger";
import { createMetrics } from "./metrics";
import type { Orm } from "./orm";

/** What every resolver receives: a fresh EntityManager, the caller, and per-request loaders. */
export interface SubgraphContext<Loaders = unknown> {
  em: EntityManager;
  identity: Identity;
  requestId: string;
  log: Logger;
  loaders: Loaders;
  /** Sets a header on this request's HTTP response (what the gateway must act on before it answers). */
  setResponseHeader(name: string, value: string): void;
  /**
   * Names what this answer read (`entityTag`, `collectionTag`, a live topic), so the gateway can keep
   * it and evict it when one of them changes. An answer that names nothing is never cached.
   */
  reads(...tags: string[]): void;
  /**
   * Says, after the change is committed, what it changed: every gateway evicts the cached answers
   * that read one of these tags (the one carrying this request before it answers).
   */
  changed(...tags: string[]): Promise<void>;
}

export interface SubgraphServerOptions<Loaders> {
  name: string;
  port: number;
  host?: string;
  schema: GraphQLSchema;
  orm: Orm;
  logger: Logger;
  createLoaders: (em: EntityManager) => Loaders;
  /** Extra routes (internal endpoints) mounted before /graphql. */
  routes?: (app: Express) => void;
  /** Readiness beyond the database (object storage, …). */
  ready?: () => Promise<void>;
  /** Runs after in-flight requests finish and before the database closes (stop jobs here). */
  beforeClose?: () => Promise<void>;
  /** Request limits; the SUBGRAPH_MAX_* variables by default. */
  limits?: SubgraphLimits;
  /** Where `ctx.changed` announces changes (the event bus); without it they reach only the gateway that carried the request. */
  announceChanges?: (tags: string[]) => Promise<void>;
}

/**
 * A subgraph answers only the gateway: a request needs the identity the gateway signed (anonymous
 * callers included, signed as anonymous) or, from another gateway that holds the internal secret,
 * the static anonymous-gateway key. Anything else is refused before its body is even read.
 */
async function callerOf(req: IncomingMessage): Promise<Identity | GraphQLError> {
  const signed = req.headers[IDENTITY_HEADER];
  const key = req.headers[GATEWAY_KEY_HEADER];
  const identity =
    typeof signed === "string" && signed ? await readSignedIdentity(signed) : isAnonymousGatewayKey(typeof key === "string" ? key : undefined) ? ANONYMOUS : null;
  if (identity) return identity;
  const reason = signed ? "the identity header is not one the gateway signed" : "call the gateway, not a subgraph";
  return requestError("UNAUTHENTICATED", `Unauthenticated: ${reason}`);
}

export async function startSubgraphServer<Loaders>(options: SubgraphServerOptions<Loaders>): Promise<RunningService & { orm: Orm }> {
  const { orm, logger } = options;
  const limits = options.limits ?? subgraphLimitsFromEnv();
  const metrics = createMetrics(options.name);
  const app = createHttpApp({
    logger,
    metrics,
    ready: async () => {
      await orm.em.getConnection().execute("select 1");
      await options.ready?.();
    },
  });
  // Internal routes answer POSTs, which are never revalidated: hashing each answer for an ETag is waste.
  app.set("etag", false);
  options.routes?.(app);

  const validationRules = limitRules(limits);
  const formatAnswerError = formatError({ production: isProduction() });
  const recordOperation = operationRecorder(metrics);
  const apollo = new ApolloServer<SubgraphContext<Loaders> & TaggedContext>({
    schema: options.schema,
    introspection: !isProduction(),
    formatError: formatAnswerError,
    validationRules,
    // Shutdown is ours (exitGracefullyOnSignals): Apollo's own handler would stop it twice.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      // Cache-Control from each document's hints, once (cachePolicyPlugin), not by a hook on every field of every answer.
      ApolloServerPluginCacheControlDisabled(),
      cachePolicyPlugin(),
      observabilityPlugin(metrics, recordOperation),
      limitResolvedFields(options.schema, limits.maxResolvedFields),
      cacheTagsPlugin(),
    ],
  });
  await apollo.start();
  const graphql = graphqlEndpoint({
    apollo,
    maxBodyBytes: limits.maxBodyBytes,
    limits,
    track: (req, res) => trackRequest(req, res, logger, metrics),
    caller: callerOf,
    admission: admissionControl(limits.admission, metrics.registry, "subgraph"),
    runner: queryRunner({
      schema: options.schema,
      validationRules,
      introspection: !isProduction(),
      formatError: formatAnswerError,
      maxResolvedFields: limits.maxResolvedFields,
      record: recordOperation,
      compile: !tracingEnabled(),
    }),
    context: async ({ res, caller, id, log }): Promise<SubgraphContext<Loaders> & TaggedContext> => {
      const em = orm.em.fork();
      const readTags = new Set<string>();
      const changedTags = new Set<string>();
      return {
        em,
        identity: caller,
        requestId: id,
        log,
        loaders: options.createLoaders(em),
        setResponseHeader: (name, value) => void res.setHeader(name, value),
        readTags,
        reads: (...tags) => tags.forEach((tag) => readTags.add(tag)),
        changed: async (...named) => {
          const tags = wellFormedTags(named, log);
          if (!tags.length) return;
          tags.forEach((tag) => changedTags.add(tag));
          res.setHeader(DATA_CHANGED_HEADER, [...changedTags].join(" "));
          await options.announceChanges?.(tags);
        },
      };
    },
  });
  // Everything but /graphql (health, readiness, metrics, internal routes) goes through Express.
  const serve: RequestListener = (req, res) => {
    if ((req.url ?? "").split("?")[0] === "/graphql") graphql(req, res);
    else app(req, res);
  };
  const running = await listen(serve, options.port, options.host ?? "127.0.0.1", async () => {
    await apollo.stop();
    await options.beforeClose?.();
    await orm.close();
  });
  logger.info({ url: running.url }, `${options.name} subgraph ready`);
  return { url: running.url, port: running.port, close: running.close, orm };
}

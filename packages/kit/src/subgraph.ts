import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { expressMiddleware } from "@as-integrations/express5";
import type { EntityManager } from "@mikro-orm/postgresql";
import type { Express, NextFunction, Request, Response } from "express";
import express from "express";
import type { GraphQLSchema } from "graphql";
import { formatError, observabilityPlugin } from "./apollo";
import { cachePolicyPlugin } from "./cache-policy";
import { cacheTagsPlugin, type TaggedContext } from "./cache-tags";
import { DATA_CHANGED_HEADER, wellFormedTags } from "./cache-hints";
import { isProduction } from "./config";
import { requestError } from "./errors";
import type { RunningService } from "./http";
import { admissionControl } from "./admission";
import { createHttpApp, listen } from "./http";
import type { Identity } from "./identity";
import { ANONYMOUS, GATEWAY_KEY_HEADER, IDENTITY_HEADER, isAnonymousGatewayKey, readSignedIdentity } from "./identity";
import type { SubgraphLimits } from "./limits";
import { bodyErrorHandler, limitResolvedFields, limitRules, requestShapeGuard, subgraphLimitsFromEnv, sendError } from "./limits";
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

declare module "express-serve-static-core" {
  interface Request {
    /** Who the gateway says the caller is, set by callerGuard. */
    identity?: Identity;
  }
}

/**
 * A subgraph answers only the gateway: a request needs the identity the gateway signed (anonymous
 * callers included, signed as anonymous) or, from another gateway that holds the internal secret,
 * the static anonymous-gateway key. Anything else is refused before its body is even read.
 */
async function callerGuard(req: Request, res: Response, next: NextFunction): Promise<void> {
  const signed = req.header(IDENTITY_HEADER);
  const identity = signed ? await readSignedIdentity(signed) : isAnonymousGatewayKey(req.header(GATEWAY_KEY_HEADER)) ? ANONYMOUS : null;
  if (!identity) {
    const reason = signed ? "the identity header is not one the gateway signed" : "call the gateway, not a subgraph";
    return sendError(res, requestError("UNAUTHENTICATED", `Unauthenticated: ${reason}`));
  }
  req.identity = identity;
  next();
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
  // Answers to POSTed operations are never revalidated: hashing each body for an ETag is waste.
  app.set("etag", false);
  options.routes?.(app);

  const apollo = new ApolloServer<SubgraphContext<Loaders> & TaggedContext>({
    schema: options.schema,
    introspection: !isProduction(),
    formatError: formatError({ production: isProduction() }),
    validationRules: limitRules(limits),
    // Shutdown is ours (exitGracefullyOnSignals): Apollo's own handler would stop it twice.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      // Cache-Control from each document's hints, once (cachePolicyPlugin), not by a hook on every field of every answer.
      ApolloServerPluginCacheControlDisabled(),
      cachePolicyPlugin(),
      observabilityPlugin(metrics),
      limitResolvedFields(options.schema, limits.maxResolvedFields),
      cacheTagsPlugin(),
    ],
  });
  await apollo.start();
  app.use(
    "/graphql",
    callerGuard,
    admissionControl(limits.admission, metrics.registry, "subgraph"),
    express.json({ limit: limits.maxBodyBytes }),
    bodyErrorHandler(limits.maxBodyBytes),
    requestShapeGuard(limits),
    expressMiddleware(apollo, {
      context: async ({ req, res }): Promise<SubgraphContext<Loaders> & TaggedContext> => {
        const em = orm.em.fork();
        const readTags = new Set<string>();
        const changedTags = new Set<string>();
        return {
          em,
          identity: req.identity!,
          requestId: req.id,
          log: req.log,
          loaders: options.createLoaders(em),
          setResponseHeader: (name, value) => void res.setHeader(name, value),
          readTags,
          reads: (...tags) => tags.forEach((tag) => readTags.add(tag)),
          changed: async (...named) => {
            const tags = wellFormedTags(named, req.log);
            if (!tags.length) return;
            tags.forEach((tag) => changedTags.add(tag));
            res.setHeader(DATA_CHANGED_HEADER, [...changedTags].join(" "));
            await options.announceChanges?.(tags);
          },
        };
      },
    }),
  );
  const running = await listen(app, options.port, options.host ?? "127.0.0.1", async () => {
    await apollo.stop();
    await options.beforeClose?.();
    await orm.close();
  });
  logger.info({ url: running.url }, `${options.name} subgraph ready`);
  return { url: running.url, port: running.port, close: running.close, orm };
}

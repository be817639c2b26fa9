import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { expressMiddleware } from "@as-integrations/express5";
import type { EntityManager } from "@mikro-orm/postgresql";
import express, { Express } from "express";
import { GraphQLSchema } from "graphql";
import { formatError, observabilityPlugin } from "./apollo";
import { isProduction } from "./config";
import { createHttpApp, listen, RunningService } from "./http";
import { IDENTITY_HEADER, Identity, verifyIdentity } from "./identity";
import type { Logger } from "./logger";
import { createMetrics } from "./metrics";
import { Orm } from "./orm";

/** What every resolver receives: a fresh EntityManager, the caller, and per-request loaders. */
export interface SubgraphContext<Loaders = unknown> {
  em: EntityManager;
  identity: Identity;
  requestId: string;
  log: Logger;
  loaders: Loaders;
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
}

export async function startSubgraphServer<Loaders>(
  options: SubgraphServerOptions<Loaders>,
): Promise<RunningService & { orm: Orm }> {
  const { orm, logger } = options;
  const metrics = createMetrics(options.name);
  const app = createHttpApp({
    logger,
    metrics,
    ready: async () => {
      await orm.em.getConnection().execute("select 1");
      await options.ready?.();
    },
  });
  options.routes?.(app);

  const apollo = new ApolloServer<SubgraphContext<Loaders>>({
    schema: options.schema,
    introspection: !isProduction(),
    formatError: formatError({ production: isProduction() }),
    // Shutdown is ours (exitGracefullyOnSignals): Apollo's own handler would stop it twice.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      observabilityPlugin(metrics),
    ],
  });
  await apollo.start();
  app.use(
    "/graphql",
    express.json({ limit: process.env.MAX_BODY_BYTES ?? "1mb" }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const em = orm.em.fork();
        return {
          em,
          identity: await verifyIdentity(req.header(IDENTITY_HEADER)),
          requestId: req.id,
          log: req.log,
          loaders: options.createLoaders(em),
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

import type { NextFunction, Request, Response } from "express";
import express from "express";
import { Pool } from "pg";
import type { EventBus, Logger, RunningService } from "@solo/kit";
import { createEventBus, createHttpApp, createMetrics, listen, waitForMigrations } from "@solo/kit";
import { authenticate } from "./auth";
import type { RegistryConfig } from "./config";
import { RegistryError } from "./errors";
import { SchemaHistory } from "./history";
import { Limiter } from "./limiter";
import { migrate, pendingMigrations } from "./migrations";
import { registryRoutes } from "./routes";
import { answerUplink } from "./uplink";
import { currentLaunch } from "./store";

/** The event every new launch publishes on the bus: gateways poll Uplink at once instead of at their next tick. */
export const LAUNCH_EVENT = "registry.launch";

/** Compositions at once, and waiting: each takes up to seconds of CPU and hundreds of MB on a large graph. */
/** The event a variant's filter change publishes (`{ name }`): gateways drop that variant's schema at once. */
export const VARIANT_EVENT = "registry.variant";

const COMPOSE_CONCURRENCY = 2;
const COMPOSE_QUEUE = 32;

export interface RunningRegistry extends RunningService {
  /** The registry's base URL (http://host:port), what REGISTRY_URL names. */
  url: string;
  pool: Pool;
  events: EventBus;
}

export async function startRegistry(config: RegistryConfig, logger: Logger): Promise<RunningRegistry> {
  // A request waits at most 10 s for a connection and a statement runs at most 30 s: a stuck database answers 503, not a hung request.
  const pool = new Pool({ connectionString: config.databaseUrl, max: 10, connectionTimeoutMillis: 10_000, idleTimeoutMillis: 30_000, statement_timeout: 30_000 });
  pool.on("error", (error) => logger.error({ err: error }, "idle Postgres connection failed"));
  if (config.migrateOnStart !== false) {
    const applied = await migrate(pool);
    if (applied.length) logger.info({ applied }, "registry migrations applied");
  } else {
    await waitForMigrations('schema "registry"', () => pendingMigrations(pool), logger);
  }
  const events = await createEventBus({ redisUrl: config.redisUrl, databaseUrl: config.databaseUrl, logger, namespace: config.eventBusNamespace });
  const metrics = createMetrics("registry");
  const app = createHttpApp({
    logger,
    metrics,
    ready: async () => {
      await pool.query("select 1");
    },
  });
  const history = new SchemaHistory();
  const onLaunch = (launchId: string) => {
    events.publish(LAUNCH_EVENT, { launchId }).catch((error: unknown) => logger.error({ err: error, launchId }, "could not announce the launch"));
  };
  const onVariant = (name: string) => {
    events.publish(VARIANT_EVENT, { name }).catch((error: unknown) => logger.error({ err: error, variant: name }, "could not announce the variant's change"));
  };
  // Uplink carries its key in the query's variables, not in a header.
  app.post("/uplink", express.json({ limit: "1mb" }), async (req, res) => {
    const { status, result } = await answerUplink(req.body, {
      usersUrl: config.usersUrl,
      minDelaySeconds: config.minDelaySeconds,
      currentLaunch: () => currentLaunch(pool),
    });
    res.status(status).json(result);
  });
  app.use(authenticate(config.usersUrl));
  // The largest body is a publish: up to 2 MiB of SDL, JSON-escaped.
  app.use(express.json({ limit: "6mb" }));
  app.use(registryRoutes({ pool, history, composeLimiter: new Limiter(COMPOSE_CONCURRENCY, COMPOSE_QUEUE), checkUsageDays: config.checkUsageDays, onLaunch, onVariant }));
  app.use((_req: Request, _res: Response) => {
    throw new RegistryError(404, "NOT_FOUND", "no such route");
  });
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    res.status(statusOf(error)).json(errorBody(error, req));
  });
  const running = await listen(app, config.port, config.host, async () => {
    await events.close();
    await pool.end();
  });
  logger.info({ port: running.port }, "registry listening");
  return { ...running, url: running.url.replace(/\/graphql$/, ""), pool, events };
}

/** pg's refusal when no pool connection came free within connectionTimeoutMillis. */
const poolExhausted = (error: unknown): boolean => error instanceof Error && /timeout exceeded when trying to connect/i.test(error.message);

function statusOf(error: unknown): number {
  if (error instanceof RegistryError) return error.status;
  if (error instanceof URIError) return 400;
  if (poolExhausted(error)) return 503;
  const status = (error as { status?: number; type?: string }).status;
  // body-parser's refusals: malformed JSON (400), too large (413).
  if (status === 400 || status === 413 || status === 415) return status;
  return 500;
}

function errorBody(error: unknown, req: Request): ReturnType<RegistryError["toJSON"]> {
  if (error instanceof RegistryError) return error.toJSON();
  // Express decodes path parameters: `%ZZ` is a URIError.
  if (error instanceof URIError) return new RegistryError(400, "BAD_REQUEST", "the path holds malformed percent-encoding").toJSON();
  if (poolExhausted(error)) return new RegistryError(503, "SERVICE_UNAVAILABLE", "the registry's database is busy: retry shortly").toJSON();
  const status = (error as { status?: number }).status;
  if (status === 413) return new RegistryError(413, "PAYLOAD_TOO_LARGE", "the body is too large").toJSON();
  if (status === 400 || status === 415) return new RegistryError(400, "BAD_REQUEST", `the body is not JSON: ${(error as Error).message}`).toJSON();
  req.log.error({ err: error }, "registry request failed");
  return new RegistryError(500, "INTERNAL_SERVER_ERROR", "the registry failed to answer; see its log").toJSON();
}

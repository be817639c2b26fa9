import path from "node:path";
import {
  Logger,
  ObjectStorage,
  Orm,
  RunningService,
  StorageConfig,
  createLogger,
  deliverAuditEvents,
  openDatabase,
  startPeriodicJob,
  startSubgraphServer,
  storageConfigFromEnv,
} from "@solo/kit";
import { entities } from "./entities";
import { mountInternalRoutes } from "./internal-routes";
import { createLoaders } from "./loaders";
import { buildContentSchema } from "./schema";
import { sweepStaleUploads } from "./services/uploads";

export const SCHEMA = "content";
export const MIGRATIONS_PATH = path.join(__dirname, "..", "migrations");

export interface ContentSubgraphOptions {
  port: number;
  host?: string;
  databaseUrl: string;
  storage?: StorageConfig;
  /** The users subgraph, where audit events are delivered. */
  usersUrl?: string;
  /** Uploads one account may have PENDING at once (20). */
  maxPendingUploads?: number;
  logger?: Logger;
  jobs?: {
    /** How old a PENDING upload must be before it is removed (24 h). */
    pendingUploadMaxAgeMs?: number;
    sweepIntervalMs?: number;
    auditRelayIntervalMs?: number;
  };
}

export type ContentSubgraph = RunningService & { orm: Orm; storage: ObjectStorage; sweepUploads(): Promise<void>; relayAudit(): Promise<void> };

export async function startContentSubgraph(options: ContentSubgraphOptions): Promise<ContentSubgraph> {
  const logger = options.logger ?? createLogger("content");
  const storage = new ObjectStorage(options.storage ?? storageConfigFromEnv());
  const orm = await openDatabase({ schema: SCHEMA, entities, migrationsPath: MIGRATIONS_PATH, clientUrl: options.databaseUrl, logger });
  const sweeper = startPeriodicJob({
    name: "sweep-stale-uploads",
    intervalMs: options.jobs?.sweepIntervalMs ?? 10 * 60_000,
    logger,
    run: () => sweepStaleUploads(orm, storage, options.jobs?.pendingUploadMaxAgeMs ?? 24 * 3_600_000),
  });
  if (!options.usersUrl) logger.error("SUBGRAPH_URL_USERS is not set: audit events queue up in content.audit_outbox until it is");
  const relay = startPeriodicJob({
    name: "deliver-audit-events",
    intervalMs: options.jobs?.auditRelayIntervalMs ?? 2_000,
    logger,
    run: async () => {
      if (!options.usersUrl) return 0;
      const result = await deliverAuditEvents(orm, options.usersUrl, "content");
      if (result.rejected) logger.error({ rejected: result.rejected }, "users refused malformed audit events: see content.audit_outbox where rejected_at is set");
      return result.delivered;
    },
  });
  try {
    const service = await startSubgraphServer({
      name: "content",
      port: options.port,
      host: options.host,
      schema: await buildContentSchema(),
      orm,
      logger,
      createLoaders: (em) => ({ ...createLoaders(em), storage, limits: { maxPendingUploads: options.maxPendingUploads ?? 20 } }),
      routes: (app) => mountInternalRoutes(app, orm),
      ready: () => storage.check(),
      beforeClose: async () => {
        await sweeper.stop();
        await relay.stop();
      },
    });
    return {
      ...service,
      storage,
      sweepUploads: sweeper.runNow,
      relayAudit: relay.runNow,
      close: async () => {
        await service.close();
        storage.destroy();
      },
    };
  } catch (error) {
    await sweeper.stop();
    await relay.stop();
    await orm.close();
    throw error;
  }
}

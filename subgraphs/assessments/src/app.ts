import path from "node:path";
import {
  Clock,
  EventBus,
  Logger,
  Orm,
  RunningService,
  createLogger,
  deliverAuditEvents,
  openDatabase,
  startPeriodicJob,
  startSubgraphServer,
  systemClock,
} from "@solo/kit";
import { entities } from "./entities";
import { createLoaders } from "./loaders";
import { endIdleSessions } from "./resolvers/study.resolver";
import { buildAssessmentsSchema } from "./schema";
import { AssessmentEvents } from "./services/events";

export const SCHEMA = "assessments";
export const MIGRATIONS_PATH = path.join(__dirname, "..", "migrations");

export interface AssessmentsSubgraphOptions {
  port: number;
  host?: string;
  databaseUrl: string;
  logger?: Logger;
  /** Deadlines, progress and idle sessions read this clock (tests move a ManualClock). */
  clock?: Clock;
  /** Where changes are announced for live subscriptions (none: nothing is published). */
  eventBus?: EventBus;
  peers?: { usersUrl?: () => string | undefined; contentUrl?: () => string | undefined };
  jobs?: { idleSessionMs?: number; idleSweepIntervalMs?: number; auditRelayIntervalMs?: number };
}

export type AssessmentsSubgraph = RunningService & { orm: Orm; endIdleSessions(): Promise<void>; relayAudit(): Promise<void> };

export async function startAssessmentsSubgraph(options: AssessmentsSubgraphOptions): Promise<AssessmentsSubgraph> {
  const logger = options.logger ?? createLogger("assessments");
  const clock = options.clock ?? systemClock;
  const events = new AssessmentEvents(options.eventBus, logger);
  const orm = await openDatabase({ schema: SCHEMA, entities, migrationsPath: MIGRATIONS_PATH, clientUrl: options.databaseUrl, logger });
  const idle = startPeriodicJob({
    name: "end-idle-study-sessions",
    intervalMs: options.jobs?.idleSweepIntervalMs ?? 60_000,
    logger,
    run: () => endIdleSessions(orm.em.fork(), clock.now(), options.jobs?.idleSessionMs ?? 30 * 60_000, events),
  });
  const relay = startPeriodicJob({
    name: "deliver-audit-events",
    intervalMs: options.jobs?.auditRelayIntervalMs ?? 2_000,
    logger,
    run: async () => {
      const usersUrl = options.peers?.usersUrl?.();
      if (!usersUrl) return 0;
      const result = await deliverAuditEvents(orm, usersUrl, "assessments");
      if (result.rejected) logger.error({ rejected: result.rejected }, "users refused malformed audit events");
      return result.delivered;
    },
  });
  try {
    const service = await startSubgraphServer({
      name: "assessments",
      port: options.port,
      host: options.host,
      schema: await buildAssessmentsSchema(),
      orm,
      logger,
      createLoaders: (em) => ({
        ...createLoaders(em),
        clock,
        idleSessionMs: options.jobs?.idleSessionMs ?? 30 * 60_000,
        contentUrl: () => options.peers?.contentUrl?.(),
        events,
      }),
      beforeClose: async () => {
        await idle.stop();
        await relay.stop();
      },
    });
    return { ...service, endIdleSessions: idle.runNow, relayAudit: relay.runNow };
  } catch (error) {
    await idle.stop();
    await relay.stop();
    await orm.close();
    throw error;
  }
}

import "reflect-metadata";
import { createEventBus, createLogger, databaseUrl, envInt, envString, eventBusNamespace, exitGracefullyOnSignals, subgraphUrl } from "@solo/kit";
import { startAssessmentsSubgraph } from "./app";

const logger = createLogger("assessments");

async function main() {
  // Redis pub/sub when REDIS_URL is set, Postgres LISTEN/NOTIFY otherwise.
  const eventBus = await createEventBus({ redisUrl: process.env.REDIS_URL || undefined, databaseUrl: databaseUrl(), logger, namespace: eventBusNamespace() });
  const service = await startAssessmentsSubgraph({
    port: envInt("PORT", 4003),
    host: envString("HOST", "127.0.0.1"),
    databaseUrl: databaseUrl(),
    logger,
    eventBus,
    peers: { usersUrl: () => subgraphUrl("users"), contentUrl: () => subgraphUrl("content") },
    jobs: {
      idleSessionMs: envInt("STUDY_SESSION_IDLE_MINUTES", 30) * 60_000,
      idleSweepIntervalMs: envInt("IDLE_SESSION_SWEEP_SECONDS", 60) * 1000,
      auditRelayIntervalMs: envInt("AUDIT_RELAY_INTERVAL_MS", 2000),
    },
  });
  exitGracefullyOnSignals(logger, async () => {
    await service.close();
    await eventBus.close();
  });
}

main().catch((error) => {
  logger.fatal({ err: error }, "assessments subgraph failed to start");
  process.exit(1);
});

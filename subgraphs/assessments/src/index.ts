import "reflect-metadata";
import { createLogger, databaseUrl, envInt, envString, exitGracefullyOnSignals, subgraphUrl } from "@solo/kit";
import { startAssessmentsSubgraph } from "./app";

const logger = createLogger("assessments");

startAssessmentsSubgraph({
  port: envInt("PORT", 4003),
  host: envString("HOST", "127.0.0.1"),
  databaseUrl: databaseUrl(),
  logger,
  peers: { usersUrl: () => subgraphUrl("users"), contentUrl: () => subgraphUrl("content") },
  jobs: {
    idleSessionMs: envInt("STUDY_SESSION_IDLE_MINUTES", 30) * 60_000,
    idleSweepIntervalMs: envInt("IDLE_SESSION_SWEEP_SECONDS", 60) * 1000,
    auditRelayIntervalMs: envInt("AUDIT_RELAY_INTERVAL_MS", 2000),
  },
}).then(
  (service) => exitGracefullyOnSignals(logger, service.close),
  (error) => {
    logger.fatal({ err: error }, "assessments subgraph failed to start");
    process.exit(1);
  },
);

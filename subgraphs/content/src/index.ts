import "reflect-metadata";
import { createLogger, databaseUrl, envInt, envString, exitGracefullyOnSignals, subgraphUrl } from "@solo/kit";
import { startContentSubgraph } from "./app";

const logger = createLogger("content");

startContentSubgraph({
  port: envInt("PORT", 4002),
  host: envString("HOST", "127.0.0.1"),
  databaseUrl: databaseUrl(),
  usersUrl: subgraphUrl("users"),
  maxPendingUploads: envInt("MAX_PENDING_UPLOADS", 20),
  logger,
  jobs: {
    pendingUploadMaxAgeMs: envInt("PENDING_UPLOAD_MAX_AGE_HOURS", 24) * 3_600_000,
    sweepIntervalMs: envInt("UPLOAD_SWEEP_INTERVAL_SECONDS", 600) * 1000,
    auditRelayIntervalMs: envInt("AUDIT_RELAY_INTERVAL_MS", 2000),
  },
}).then(
  (service) => exitGracefullyOnSignals(logger, service.close),
  (error) => {
    logger.fatal({ err: error }, "content subgraph failed to start");
    process.exit(1);
  },
);

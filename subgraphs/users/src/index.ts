import "reflect-metadata";
import { createLogger, databaseUrl, envInt, envString, exitGracefullyOnSignals } from "@solo/kit";
import { startUsersSubgraph } from "./app";

const logger = createLogger("users");

startUsersSubgraph({
  port: envInt("PORT", 4001),
  host: envString("HOST", "127.0.0.1"),
  databaseUrl: databaseUrl(),
  logger,
}).then(
  (service) => exitGracefullyOnSignals(logger, service.close),
  (error) => {
    logger.fatal({ err: error }, "users subgraph failed to start");
    process.exit(1);
  },
);

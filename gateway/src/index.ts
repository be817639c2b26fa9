import { createLogger, exitGracefullyOnSignals } from "@solo/kit";
import { startGateway } from "./app";
import { gatewayConfigFromEnv } from "./config";

const logger = createLogger("gateway");

startGateway(gatewayConfigFromEnv(), logger).then(
  (gateway) => exitGracefullyOnSignals(logger, gateway.close),
  (error) => {
    logger.fatal({ err: error }, "gateway failed to start");
    process.exit(1);
  },
);

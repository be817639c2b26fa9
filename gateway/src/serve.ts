import { createLogger, serveUntilSignalled } from "@solo/kit";
import type { Tracing } from "@solo/kit/tracing";
import { startGateway } from "./app";
import { gatewayConfigFromEnv } from "./config";

/** The gateway as a process (index.js, once tracing is set up). */
export function serveGateway(tracing: Tracing): Promise<void> {
  const logger = createLogger("gateway");
  return serveUntilSignalled(logger, "gateway failed to start", tracing, () => startGateway(gatewayConfigFromEnv(), logger));
}

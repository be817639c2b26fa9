import { createLogger, serveUntilSignalled } from "@solo/kit";
import type { Tracing } from "@solo/kit/tracing";
import { startRegistry } from "./app";
import { registryConfigFromEnv } from "./config";

/** The registry as a process (index.js, once tracing is set up). */
export function serveRegistry(tracing: Tracing): Promise<void> {
  const logger = createLogger("registry");
  return serveUntilSignalled(logger, "registry failed to start", tracing, () => startRegistry(registryConfigFromEnv(), logger));
}

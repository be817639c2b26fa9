import "reflect-metadata";
import { loadSubgraph, readSubgraphs } from "./catalog";
import { envInt, envString } from "./config";
import { serveUntilSignalled } from "./http";
import { createLogger } from "./logger";
import { runSubgraph } from "./runner";
import type { Tracing } from "./tracing";

/**
 * One subgraph as a process (serve.js, once tracing is set up). Its port is PORT, else its
 * rover.yaml port; SIGTERM drains it, then sends its last spans (serveUntilSignalled).
 */
export async function serveSubgraph(target: string | undefined, tracing: Tracing) {
  if (!target) throw new Error("usage: node packages/kit/dist/src/serve.js <subgraph name from rover.yaml, or its folder>");
  const descriptor = loadSubgraph(target);
  const logger = createLogger(descriptor.name);
  const listed = readSubgraphs().find((entry) => entry.name === descriptor.name);
  await serveUntilSignalled(logger, `${descriptor.name} subgraph failed to start`, tracing, () =>
    runSubgraph(descriptor, { logger, port: envInt("PORT", listed?.port ?? 0), host: envString("HOST", "127.0.0.1") }),
  );
}

import "reflect-metadata";
import { loadSubgraph, readSubgraphs } from "./catalog";
import { envInt, envString } from "./config";
import { exitGracefullyOnSignals } from "./http";
import { createLogger } from "./logger";
import { runSubgraph } from "./runner";

/**
 * One subgraph as a process: `node packages/kit/dist/src/serve.js <name or folder>`. Its port is
 * PORT, else its rover.yaml port; SIGTERM drains it (see exitGracefullyOnSignals).
 */
async function main(target: string | undefined) {
  if (!target) throw new Error("usage: node packages/kit/dist/src/serve.js <subgraph name from rover.yaml, or its folder>");
  const descriptor = loadSubgraph(target);
  const logger = createLogger(descriptor.name);
  const listed = readSubgraphs().find((entry) => entry.name === descriptor.name);
  try {
    const service = await runSubgraph(descriptor, { logger, port: envInt("PORT", listed?.port ?? 0), host: envString("HOST", "127.0.0.1") });
    exitGracefullyOnSignals(logger, service.close);
  } catch (error) {
    logger.fatal({ err: error }, `${descriptor.name} subgraph failed to start`);
    process.exit(1);
  }
}

main(process.argv[2]).catch((error) => {
  createLogger("serve").fatal({ err: error }, "no subgraph to start");
  process.exit(1);
});

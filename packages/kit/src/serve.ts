import path from "node:path";
import { startTracing } from "./tracing";

/**
 * One subgraph as a process: `node packages/kit/dist/src/serve.js <name or folder>`. Tracing
 * starts before the subgraph's modules load, so that http, pg and graphql are instrumented.
 */
const target = process.argv[2];
startTracing(target ? path.basename(target) : "subgraph")
  .then(async (tracing) => (await import("./serve-subgraph.js")).serveSubgraph(target, tracing))
  .catch(async (error: unknown) => {
    (await import("./logger.js")).createLogger("serve").fatal({ err: error }, "no subgraph to start");
    process.exit(1);
  });

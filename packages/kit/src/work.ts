import "reflect-metadata";
import { loadSubgraph } from "./catalog";
import { exitGracefullyOnSignals } from "./http";
import { createLogger } from "./logger";
import { runWorker } from "./runner";

/**
 * One worker of a subgraph as a process: `node packages/kit/dist/src/work.js <subgraph name or
 * folder> <worker name>`. SIGTERM/SIGINT abort its run and exit 0 once it has returned; a run that
 * throws ends the process with exit code 1 (the supervisor restarts it).
 */
async function main(target: string | undefined, workerName: string | undefined) {
  if (!target || !workerName) throw new Error("usage: node packages/kit/dist/src/work.js <subgraph name from rover.yaml, or its folder> <worker name>");
  const descriptor = loadSubgraph(target);
  const logger = createLogger(descriptor.name);
  let worker: Awaited<ReturnType<typeof runWorker>>;
  try {
    worker = await runWorker(descriptor, workerName, { logger });
  } catch (error) {
    logger.fatal({ err: error, worker: workerName }, `${descriptor.name} worker ${workerName} failed to start`);
    process.exit(1);
  }
  const log = logger.child({ worker: worker.name, workerId: worker.workerId });
  let stopping = false;
  exitGracefullyOnSignals(log, () => {
    stopping = true;
    return worker.stop();
  });
  log.info("worker running");
  worker.done.then(
    async () => {
      if (stopping) return; // the signal's handler exits once everything is released
      log.warn("the worker's run returned before it was stopped");
      await worker.stop();
      process.exit(0);
    },
    async (error: unknown) => {
      log.fatal({ err: error }, "the worker's run failed");
      await worker.stop().catch(() => undefined); // it rejects with the same error, logged just now
      process.exit(1);
    },
  );
}

main(process.argv[2], process.argv[3]).catch((error) => {
  createLogger("work").fatal({ err: error }, "no worker to run");
  process.exit(1);
});

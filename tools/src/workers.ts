import "reflect-metadata";
import type { AnySubgraphDescriptor, Env } from "@solo/kit";
import { loadSubgraph, projectRoot, readSubgraphs } from "@solo/kit";

/** One worker process `npm start` runs: `node packages/kit/dist/src/work.js <subgraph> <worker>`. */
export interface WorkerProcess {
  subgraph: string;
  worker: string;
  /** 1 to `replicas`. */
  replica: number;
  replicas: number;
  /** What the supervisor calls it: "social publisher 1". */
  name: string;
}

/**
 * The worker processes of every subgraph rover.yaml lists, in its order: `replicas(settings)` of
 * each worker its descriptor declares, the settings read from `env` (the environment the workers get).
 */
export function workerProcesses(root = projectRoot(), env: Env = process.env): WorkerProcess[] {
  return readSubgraphs(root).flatMap((entry) => workerProcessesOf(loadSubgraph(entry.dir), env));
}

export function workerProcessesOf(descriptor: AnySubgraphDescriptor, env: Env): WorkerProcess[] {
  const workers = descriptor.workers ?? [];
  // Settings only when there is something to read them for: a subgraph without workers has no say here.
  if (!workers.length) return [];
  const settings: unknown = descriptor.settings?.(env) ?? {};
  return workers.flatMap((worker) => {
    const replicas = worker.replicas ? worker.replicas(settings) : 1;
    if (!Number.isInteger(replicas) || replicas < 0) {
      throw new Error(`${descriptor.name}'s worker ${worker.name}: replicas must be a whole number, 0 or more (not ${replicas})`);
    }
    return Array.from({ length: replicas }, (_, index) => ({
      subgraph: descriptor.name,
      worker: worker.name,
      replica: index + 1,
      replicas,
      name: `${descriptor.name} ${worker.name} ${index + 1}`,
    }));
  });
}

import type { Logger } from "./logger";

export interface PeriodicJob {
  /** Runs once now (tests, and the first tick); never two runs of one job at a time. */
  runNow(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A job every `intervalMs` in this process. Jobs must be safe with several replicas running them
 * at once (they claim rows with FOR UPDATE SKIP LOCKED); a failed run is logged and retried on
 * the next tick.
 */
export function startPeriodicJob(options: {
  name: string;
  intervalMs: number;
  logger: Logger;
  run: () => Promise<unknown>;
}): PeriodicJob {
  let running: Promise<void> | undefined;
  let stopped = false;
  const runNow = () =>
    (running ??= (async () => {
      try {
        const result = await options.run();
        if (result) options.logger.info({ job: options.name, result }, "job ran");
      } catch (error) {
        options.logger.error({ err: error, job: options.name }, "job failed");
      } finally {
        running = undefined;
      }
    })());
  const timer = options.intervalMs > 0 ? setInterval(() => void (stopped || runNow()), options.intervalMs) : undefined;
  timer?.unref();
  return {
    runNow,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}

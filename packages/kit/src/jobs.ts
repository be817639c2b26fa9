import type { Logger } from "./logger";

/** Functions, not methods: they are handed on alone (a wake-up per outbox entity, `runJobNow`). */
export interface PeriodicJob {
  /** Runs once now, or joins the run in progress (tests, the first tick, a wake-up). */
  runNow: () => Promise<void>;
  /**
   * Something for it to do was just committed: run now, or, when a run is in progress (which may
   * have looked already), go round once more before that run counts as finished.
   */
  wake: () => void;
  stop: () => Promise<void>;
}

/**
 * A job every `intervalMs` in this process (0: only when run or woken). Jobs must be safe with
 * several replicas running them at once (they claim rows with FOR UPDATE SKIP LOCKED); a failed
 * run is logged and retried on the next tick.
 */
export function startPeriodicJob(options: { name: string; intervalMs: number; logger: Logger; run: () => Promise<unknown> }): PeriodicJob {
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  const runNow = () =>
    (running ??= (async () => {
      try {
        do {
          again = false;
          const result = await options.run();
          if (result) options.logger.info({ job: options.name, result }, "job ran");
        } while (again && !stopped);
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
    wake() {
      if (stopped) return;
      again = true;
      void runNow();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}

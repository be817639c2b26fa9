import fs from "node:fs";
import { once } from "node:events";
import { PassThrough } from "node:stream";
import type { Readable } from "node:stream";
import { run } from "node:test";
import { spec } from "node:test/reporters";
import { projectRoot } from "@solo/kit/catalog";
import { splitPortRange } from "@solo/kit/ports";
import testDurations from "./test-durations";
import { readDurations, sourceOf } from "./test-files";
import type { RunnerEvent } from "./test-workers";
import { EVENTS_FD, WORKER_ARGUMENT, decodeEvents, encodeEvent, shareFiles, startWorker, summaryCount } from "./test-workers";

/**
 * The test runner `npm test` starts (run-tests.ts): Node's, through its API rather than `node
 * --test`, which sorts the files by name. It shares the files among TEST_CONCURRENCY (2) worker
 * processes (test-workers.ts), and each runs its share in the order given, the slowest first.
 * Their events come back here, to one report.
 *
 * Arguments: the runner's options (those `npm test -- --<option>` passes on), then the files.
 */
function main() {
  const args = process.argv.slice(2);
  // A worker is told so by its first argument, which no process it starts inherits (an environment variable would be).
  const worker = args[0] === WORKER_ARGUMENT;
  const runnerArgs = args.filter((arg) => arg.startsWith("--") && arg !== WORKER_ARGUMENT);
  const files = args.filter((arg) => !arg.startsWith("--"));
  const options = runnerOptions(runnerArgs);
  if (worker) runWorker(files, options);
  else void drive(files, runnerArgs);
}

const failure = (event: RunnerEvent) => event.type === "test:fail" && !event.data?.todo && !event.data?.skip;

/** One worker: its files one after another in this process, each event to the driver. */
function runWorker(files: string[], options: Parameters<typeof run>[0]) {
  let failed = false;
  const stream = run({ files, isolation: "none", concurrency: false, ...options });
  stream.on("data", (event: RunnerEvent) => {
    if (failure(event)) failed = true;
    // At once: a test that ends the process (process.exit) must not take earlier results with it.
    writeFully(EVENTS_FD, encodeEvent(event));
  });
  // A file may leave a handle open (a timer, a socket): the worker's run is over all the same.
  stream.on("end", () => process.exit(failed ? 1 : 0));
}

function writeFully(fd: number, bytes: Buffer) {
  for (let written = 0; written < bytes.length;) {
    try {
      written += fs.writeSync(fd, bytes, written);
    } catch (error) {
      // The driver reads all the time; a full pipe empties in a moment.
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
    }
  }
}

const RUNS_ALONE = /\.alone\.test\.js$/;

async function drive(files: string[], runnerArgs: string[]) {
  const root = projectRoot();
  const durations = readDurations(root);
  // Files named *.alone.test.ts measure what the machine can do (a whole platform restarted under
  // load, reconnects timed): they run after the others, one at a time, with the machine to themselves.
  const alone = files.filter((file) => RUNS_ALONE.test(file));
  const phases = [
    shareFiles(
      files.filter((file) => !RUNS_ALONE.test(file)),
      Number(process.env.TEST_CONCURRENCY ?? 2),
      (file) => durations[sourceOf(root, file)],
    ),
    alone.length ? [alone] : [],
  ];
  const report = new PassThrough({ objectMode: true });
  report.compose(spec).pipe(process.stdout);
  report.compose(testDurations).pipe(process.stdout);
  const started = Date.now();
  const counts = new Map(["tests", "suites", "pass", "fail", "cancelled", "skipped", "todo", "duration_ms"].map((name) => [name, 0]));
  let failed = false;
  let workers: ReturnType<typeof startWorker>[] = [];
  // Ctrl-C reaches the workers too, as the process group's; a signal sent to this process alone is passed on (to the phase's workers).
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => workers.forEach((worker) => worker.kill(signal)));
  for (const shares of phases) {
    const portRanges = splitPortRange(shares.length);
    workers = shares.map((share, index) => startWorker(__filename, [WORKER_ARGUMENT, ...runnerArgs, ...share], portRanges[index]));
    await Promise.all(
      workers.map(async (worker, index) => {
        const exited = once(worker, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
        let sawFailure = false;
        const reported = new Set<unknown>();
        // A top-level test's or suite's events go to the report together, once it has ended, so that
        // two workers' lines never mix within one block.
        let block: RunnerEvent[] = [];
        for await (const event of decodeEvents(worker.stdio[EVENTS_FD] as Readable)) {
          const count = summaryCount(event);
          if (count) {
            counts.set(count[0], (counts.get(count[0]) ?? 0) + count[1]);
            continue;
          }
          // The run's own summary (no file) lists the failures: once, for all the workers, below.
          if (event.type === "test:summary" && event.data?.file === undefined) continue;
          if (failure(event)) sawFailure = failed = true;
          block.push(event);
          if (event.data?.nesting === 0 && (event.type === "test:pass" || event.type === "test:fail")) {
            reported.add(event.data.file);
            for (const held of block) report.write(held);
            block = [];
          }
        }
        for (const held of block) report.write(held);
        const [code, signal] = await exited;
        if (code !== 0 && !(code === 1 && sawFailure)) {
          failed = true;
          counts.set("fail", (counts.get("fail") ?? 0) + 1);
          const unreported = shares[index].filter((file) => !reported.has(file)).map((file) => sourceOf(root, file));
          const message = `test worker ${index + 1} ended with ${signal ?? `exit code ${code}`} before its run did; no results from ${unreported.join(", ") || "none of its files missing"}`;
          report.write({ type: "test:diagnostic", data: { nesting: 0, message } });
        }
      }),
    );
  }
  counts.set("duration_ms", Date.now() - started);
  for (const [name, value] of counts) report.write({ type: "test:diagnostic", data: { nesting: 0, message: `${name} ${value}` } });
  report.write({ type: "test:summary", data: { nesting: 0, success: !failed } });
  report.end();
  process.exitCode = failed ? 1 : 0;
}

/** The `node --test` options a contributor passes through `npm test -- …`, as run()'s options. */
export function runnerOptions(args: string[]): Parameters<typeof run>[0] {
  const options: Parameters<typeof run>[0] & { testNamePatterns: string[]; testSkipPatterns: string[] } = { testNamePatterns: [], testSkipPatterns: [] };
  for (const arg of args) {
    const [name, value] = arg.split(/=(.*)/s);
    if (name === "--test-name-pattern" && value) options.testNamePatterns.push(value);
    else if (name === "--test-skip-pattern" && value) options.testSkipPatterns.push(value);
    else if (name === "--test-only" && value === undefined) options.only = true;
    else if (name === "--test-timeout" && Number(value) > 0) options.timeout = Number(value);
    else throw new Error(`npm test does not take ${arg}: it takes --test-name-pattern=<regexp>, --test-skip-pattern=<regexp>, --test-only and --test-timeout=<ms>`);
  }
  if (!options.testNamePatterns.length) delete (options as { testNamePatterns?: string[] }).testNamePatterns;
  if (!options.testSkipPatterns.length) delete (options as { testSkipPatterns?: string[] }).testSkipPatterns;
  return options;
}

if (require.main === module) main();

import { run } from "node:test";
import { spec } from "node:test/reporters";
import testDurations from "./test-durations";

/**
 * The test runner `npm test` starts (run-tests.ts): Node's, through its API rather than `node
 * --test`, which sorts the files by name. The files run in the order given, the slowest first, so
 * that the longest is not the last one started and the run's end does not wait on it alone.
 *
 * Arguments: the runner's options (those `npm test -- --<option>` passes on), then the files.
 */
function main() {
  const args = process.argv.slice(2);
  const files = args.filter((arg) => !arg.startsWith("--"));
  const options = runnerOptions(args.filter((arg) => arg.startsWith("--")));
  let failed = false;
  const stream = run({ files, concurrency: Number(process.env.TEST_CONCURRENCY ?? 2), ...options });
  stream.on("test:fail", (event) => {
    if (!event.todo && !event.skip) failed = true;
  });
  stream.compose(spec).pipe(process.stdout);
  stream.compose(testDurations).pipe(process.stdout);
  stream.on("end", () => (process.exitCode = failed ? 1 : 0));
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

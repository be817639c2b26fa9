import fs from "node:fs";
import path from "node:path";
import { projectRoot } from "@solo/kit/catalog";
import { durationsFile, readDurations, sourceOf } from "./test-files";

/**
 * A reporter for Node's test runner (`--test-reporter`), beside the spec reporter: how long each
 * test file ran, as the sum of its top-level tests' and suites' own durations (hooks included). Not
 * the time between its events: the runner holds a file's results back while another file reports,
 * so that measure counts time spent waiting. It prints the slowest files after the run and keeps the
 * figures (.data/test-durations.json) so that the next run can start the slowest files first: with a
 * pool of workers, a long file started last is a long tail.
 */

interface RunnerEvent {
  type: string;
  data?: { file?: string; nesting?: number; details?: { duration_ms?: number } };
}

async function* testDurations(source: AsyncIterable<RunnerEvent>): AsyncGenerator<string> {
  const root = projectRoot();
  const spent = new Map<string, number>();
  for await (const event of source) {
    const file = event.data?.file;
    if (!file || event.data?.nesting !== 0) continue;
    if (event.type !== "test:pass" && event.type !== "test:fail") continue;
    const key = sourceOf(root, file);
    // A run of files outside the project (the runner's own tests run some in a temporary folder) is not timed for it.
    if (key.startsWith("..")) continue;
    spent.set(key, (spent.get(key) ?? 0) + (event.data.details?.duration_ms ?? 0));
  }
  const measured = [...spent].map(([file, ms]) => [file, Math.round(ms)] as const).sort((a, b) => b[1] - a[1]);
  if (!measured.length) return;
  fs.mkdirSync(path.dirname(durationsFile(root)), { recursive: true });
  fs.writeFileSync(durationsFile(root), JSON.stringify({ ...readDurations(root), ...Object.fromEntries(measured) }, null, 2));
  yield `\nslowest test files (time their tests ran, hooks included):\n`;
  for (const [file, ms] of measured.slice(0, 15)) yield `  ${(ms / 1000).toFixed(1).padStart(7)} s  ${file}\n`;
}

export = testDurations;

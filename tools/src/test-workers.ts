import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import type { Readable } from "node:stream";
import { inspect } from "node:util";
import v8 from "node:v8";

/**
 * The test files run in a few long-lived worker processes, each running its share of the files one
 * after another in one process (Node's `isolation: "none"`), rather than one process per file. A
 * process per file loaded the whole platform's modules again for each (2 to 3 s of CPU, about a
 * third of an end-to-end file's CPU); the suite used 29 % less CPU and 20 % less time this way.
 *
 * A worker sends the runner's events to the driver on file descriptor 3, each one framed by its
 * length and serialized by V8, with errors flattened so that an assertion's fields survive the way.
 */

export const EVENTS_FD = 3;
export const WORKER_ARGUMENT = "--test-worker";

export interface RunnerEvent {
  type: string;
  data?: Record<string, unknown> & { nesting?: number; message?: string; details?: Record<string, unknown> & { error?: unknown } };
}

const ERROR_MARK = "__testWorkerError";

interface FlatError {
  [ERROR_MARK]: true;
  name: string;
  message: string;
  stack?: string;
  cause?: unknown;
  fields: Record<string, unknown>;
}

/** An Error, its own fields and its causes as plain data that V8 can serialize whole. */
function flattenError(value: unknown, depth = 0): unknown {
  if (!(value instanceof Error) || depth > 8) return value;
  const fields: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (key === "cause") continue;
    fields[key] = serializable(field) ? field : inspect(field, { depth: 6 });
  }
  const flat: FlatError = { [ERROR_MARK]: true, name: value.name, message: value.message, stack: value.stack, fields };
  if ("cause" in value) flat.cause = flattenError(value.cause, depth + 1);
  return flat;
}

function restoreError(value: unknown): unknown {
  if (!value || typeof value !== "object" || !(ERROR_MARK in value)) return value;
  const flat = value as FlatError;
  const error = new Error(flat.message);
  Object.defineProperty(error, "name", { value: flat.name, enumerable: false, configurable: true, writable: true });
  error.stack = flat.stack;
  Object.assign(error, flat.fields);
  if ("cause" in flat) error.cause = restoreError(flat.cause);
  return error;
}

function serializable(value: unknown): boolean {
  try {
    v8.serialize(value);
    return true;
  } catch {
    return false;
  }
}

export function encodeEvent(event: RunnerEvent): Buffer {
  const error = event.data?.details?.error;
  const plain = error === undefined ? event : { ...event, data: { ...event.data, details: { ...event.data!.details, error: flattenError(error) } } };
  let body: Buffer;
  try {
    body = v8.serialize(plain);
  } catch {
    // Something in the event that V8 cannot copy (a function a test put in an error's field, say): its text.
    body = v8.serialize(JSON.parse(JSON.stringify(plain, (_key, field: unknown) => (typeof field === "function" || typeof field === "symbol" ? String(field) : field))));
  }
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  return Buffer.concat([length, body]);
}

/** The events a worker sends, as they arrive. */
export async function* decodeEvents(input: Readable): AsyncGenerator<RunnerEvent> {
  let pending = Buffer.alloc(0);
  for await (const chunk of input) {
    pending = Buffer.concat([pending, chunk as Buffer]);
    while (pending.length >= 4 && pending.length >= 4 + pending.readUInt32BE(0)) {
      const length = pending.readUInt32BE(0);
      const event = v8.deserialize(pending.subarray(4, 4 + length)) as RunnerEvent;
      pending = pending.subarray(4 + length);
      const error = event.data?.details?.error;
      if (error !== undefined) event.data!.details!.error = restoreError(error);
      yield event;
    }
  }
}

/**
 * Shares of the files for `workers` workers, so that they finish together: each file, longest first
 * (by what earlier runs measured), goes to the share with the least so far. A file never measured
 * counts as the longest, as slowestFirst starts it first. Each share keeps the order given.
 */
export function shareFiles(files: string[], workers: number, durationOf: (file: string) => number | undefined): string[][] {
  const count = Math.max(1, Math.min(workers, files.length));
  const shares = Array.from({ length: count }, () => ({ load: 0, files: [] as string[] }));
  const known = files.map((file) => durationOf(file)).filter((ms): ms is number => ms !== undefined);
  const longest = known.length ? Math.max(...known) : 1;
  for (const file of files) {
    const lightest = shares.reduce((best, share) => (share.load < best.load ? share : best));
    lightest.load += durationOf(file) ?? longest;
    lightest.files.push(file);
  }
  return shares.map((share) => share.files);
}

/** The runner's own end-of-run counts (`tests 12`, `pass 11`, …), which the driver adds up over its workers. */
const SUMMARY_LINE = /^(tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) ([\d.]+)$/;

export function summaryCount(event: RunnerEvent): [string, number] | undefined {
  if (event.type !== "test:diagnostic" || event.data?.nesting !== 0) return undefined;
  const match = SUMMARY_LINE.exec(String(event.data.message ?? ""));
  return match ? [match[1], Number(match[2])] : undefined;
}

/** `portRange`: where the worker's tests pick ports for the services they start, apart from the other workers'. */
export function startWorker(script: string, args: string[], portRange: string): ChildProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, TEST_PORT_RANGE: portRange };
  // Set by Node's runner in the processes it starts: a worker is a run of its own.
  delete env.NODE_TEST_CONTEXT;
  return spawn(process.execPath, [...process.execArgv, script, ...args], { stdio: ["ignore", "inherit", "inherit", "pipe"], env });
}

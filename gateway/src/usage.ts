import type { ApolloServerPlugin } from "@apollo/server";
import type { Logger } from "@solo/kit";
import type { DocumentNode, GraphQLSchema } from "graphql";
import { parse } from "graphql";
import type { Registry } from "prom-client";
import { Counter } from "prom-client";
import type { GatewayContext } from "./context";
import type { RegistryHttp } from "./registry-http";

/** The schema coordinates an operation uses (the registry's own function, so checks and usage agree). */
type CoordinatesOf = (schema: GraphQLSchema, document: DocumentNode) => string[];

interface PendingOperation {
  name: string;
  type: string;
  body: string;
  schema: GraphQLSchema;
}

export interface UsageRecorderOptions {
  registry: RegistryHttp;
  coordinates: CoordinatesOf;
  flushSeconds: number;
  /** Distinct (operation, day, client) counts and operations held between flushes; more are dropped and counted. */
  maxEntries: number;
  /** Bytes of operation text held between flushes; past it, new operations are dropped and counted. */
  maxBytes?: number;
  logger: Logger;
  metrics: Registry;
}

/*
 * The registry's own limits (registry/src/input.ts, operations.ts): what it would refuse is cleaned
 * or cut here, so one client's words cannot make it refuse everyone's report.
 */
const MAX_CLIENT_LABEL = 200;
const MAX_OPERATION_NAME = 500;
/** Per POST /usage: well under the registry's 5,000 operations, 50,000 counts and 6 MB body. */
const BATCH_OPERATIONS = 500;
const BATCH_COUNTS = 10_000;
const BATCH_BYTES = 3 * 1024 * 1024;
/** Longer operation texts are not kept (memory, and a flush's size): their counts are dropped and counted. */
const MAX_KEPT_BODY = 64 * 1024;
const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;
const DAY_MS = 86_400_000;

/** Free text as the registry takes it: no C0 or C1 control characters, at most `max` characters. */
function cleanText(value: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f-\u009f]/g, "").slice(0, max);
}

type Count = { hash: string; day: string; clientName: string; clientVersion: string; count: number };

/** Counts with their client's words cleaned, merged where cleaning made two the same (the registry takes each key once). */
function cleanCounts(counts: Iterable<Count>): Count[] {
  const merged = new Map<string, Count>();
  for (const count of counts) {
    const clientName = cleanText(count.clientName, MAX_CLIENT_LABEL);
    const clientVersion = cleanText(count.clientVersion, MAX_CLIENT_LABEL);
    const key = `${count.hash}\n${count.day}\n${clientName}\n${clientVersion}`;
    const existing = merged.get(key);
    if (existing) existing.count += count.count;
    else merged.set(key, { ...count, clientName, clientVersion });
  }
  return [...merged.values()];
}

/** One operation as the registry takes it, with its counts: the unit a report is split and retried by. */
interface Report {
  operation: { hash: string; name: string; type: string; body: string; coordinates: string[] };
  counts: Count[];
}

/** Reports in POST /usage bodies within the registry's limits. */
function batches(reports: Report[]): Report[][] {
  const result: Report[][] = [];
  let batch: Report[] = [];
  let counts = 0;
  let bytes = 0;
  for (const report of reports) {
    const size = report.operation.body.length * 2 + report.operation.coordinates.reduce((sum, c) => sum + c.length + 3, 0) + report.counts.length * 600;
    if (batch.length && (batch.length >= BATCH_OPERATIONS || counts + report.counts.length > BATCH_COUNTS || bytes + size > BATCH_BYTES)) {
      result.push(batch);
      batch = [];
      counts = 0;
      bytes = 0;
    }
    batch.push(report);
    counts += report.counts.length;
    bytes += size;
  }
  if (batch.length) result.push(batch);
  return result;
}

const MAX_CACHED_COORDINATES = 10_000;

/**
 * Which operations run, for which clients, using which schema coordinates: counted in memory on
 * the request path (a map increment), sent to the registry's POST /usage every few seconds and at
 * shutdown. Memory is bounded by entries and bytes: past them counts are dropped and the metric says
 * how many (usage is for checks and questions, not billing). A report the registry refuses (400) is
 * halved until the offending operation is alone, and only that one is dropped; one that could not be
 * sent (registry down) is tried once more with the next window.
 */
export class UsageRecorder {
  private counts = new Map<string, Count>();
  private operations = new Map<string, PendingOperation>();
  private bytes = 0;
  /** What the last flush could not send, tried once more with the next one. */
  private retry: Report[] = [];
  private readonly coordinateCache = new Map<string, string[]>();
  private readonly timer: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private day = "";
  private dayEnds = 0;
  private readonly dropped: Counter<"reason">;
  private readonly flushes: Counter<"outcome">;

  constructor(private readonly options: UsageRecorderOptions) {
    this.dropped = new Counter({
      name: "usage_counts_dropped_total",
      help: "Operation counts not sent to the registry: memory full between flushes, an operation too long to keep, one the registry refused, or a flush that failed twice",
      labelNames: ["reason"],
      registers: [options.metrics],
    });
    this.flushes = new Counter({
      name: "usage_flushes_total",
      help: "Usage reports sent to the registry, by outcome",
      labelNames: ["outcome"],
      registers: [options.metrics],
    });
    this.timer = setInterval(() => void this.flush(), options.flushSeconds * 1000);
    this.timer.unref();
  }

  /**
   * On the request path: a map increment (the first time an operation, client and day meet, an
   * entry). The client's words are cut to length here and cleaned at flush time; the document is
   * parsed again at flush time rather than held.
   */
  record(entry: { hash: string; name: string; type: string; body: string; schema: GraphQLSchema; clientName?: string; clientVersion?: string }) {
    const now = Date.now();
    if (now >= this.dayEnds) this.startDay(now);
    const clientName = entry.clientName ? entry.clientName.slice(0, MAX_CLIENT_LABEL) : "";
    const clientVersion = entry.clientVersion ? entry.clientVersion.slice(0, MAX_CLIENT_LABEL) : "";
    const key = `${entry.hash}\n${this.day}\n${clientName}\n${clientVersion}`;
    const count = this.counts.get(key);
    if (count) {
      count.count += 1;
      return;
    }
    if (entry.body.length > MAX_KEPT_BODY) {
      this.dropped.inc({ reason: "too_long" });
      return;
    }
    const known = this.operations.has(entry.hash);
    const cost = key.length * 2 + 100 + (known ? 0 : entry.body.length * 2 + entry.name.length * 2 + 100);
    if (
      this.counts.size >= this.options.maxEntries ||
      (!known && this.operations.size >= this.options.maxEntries) ||
      this.bytes + cost > (this.options.maxBytes ?? DEFAULT_MAX_BYTES)
    ) {
      this.dropped.inc({ reason: "full" });
      return;
    }
    this.bytes += cost;
    this.counts.set(key, { hash: entry.hash, day: this.day, clientName, clientVersion, count: 1 });
    if (!known) this.operations.set(entry.hash, { name: entry.name, type: entry.type, body: entry.body, schema: entry.schema });
  }

  /** The UTC day counts go to, and when it ends (so a request reads the clock once, not a calendar). */
  private startDay(now: number) {
    this.day = new Date(now).toISOString().slice(0, 10);
    this.dayEnds = (Math.floor(now / DAY_MS) + 1) * DAY_MS;
  }

  /** Sends what was counted since the last flush (one flush at a time; a second waits for the first). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (!this.counts.size && !this.retry.length) return;
    const counts = cleanCounts(this.counts.values());
    const operations = this.operations;
    const retry = this.retry;
    this.counts = new Map();
    this.operations = new Map();
    this.bytes = 0;
    this.retry = [];
    this.flushing = this.sendAll([...retry, ...this.reports(counts, operations)], retry.length).finally(() => (this.flushing = undefined));
    await this.flushing;
  }

  /** Each operation with its counts; an operation whose coordinates cannot be read is dropped, not the report. */
  private reports(counts: Count[], pending: Map<string, PendingOperation>): Report[] {
    const byHash = new Map<string, Count[]>();
    for (const count of counts) byHash.set(count.hash, [...(byHash.get(count.hash) ?? []), count]);
    const reports: Report[] = [];
    for (const [hash, operation] of pending) {
      const operationCounts = byHash.get(hash) ?? [];
      try {
        const coordinates = this.coordinatesOf(hash, operation);
        reports.push({
          operation: { hash, name: cleanText(operation.name, MAX_OPERATION_NAME), type: operation.type, body: operation.body, coordinates },
          counts: operationCounts,
        });
      } catch (error) {
        this.drop("unreadable", [{ operation: { hash, name: "", type: "", body: "", coordinates: [] }, counts: operationCounts }]);
        this.options.logger.warn({ err: error, hash }, "could not read an operation's schema coordinates for usage");
      }
    }
    return reports;
  }

  /** `retried` reports at the front are a second try: if they fail again they are dropped. */
  private async sendAll(reports: Report[], retried: number) {
    const retriedHashes = new Set(reports.slice(0, retried).map((report) => report.operation.hash));
    for (const batch of batches(reports)) {
      const unsent = await this.send(batch);
      this.drop(
        "flush_failed",
        unsent.filter((report) => retriedHashes.has(report.operation.hash)),
      );
      this.retry.push(...unsent.filter((report) => !retriedHashes.has(report.operation.hash)));
    }
  }

  /** Sends a batch; a refusal (400) is narrowed down to the operation the registry will not take. Answers what could not be sent (to try again). */
  private async send(batch: Report[]): Promise<Report[]> {
    let response: Response;
    try {
      response = await this.options.registry.request("/usage", {
        method: "POST",
        body: { operations: batch.map((report) => report.operation), counts: batch.flatMap((report) => report.counts) },
      });
    } catch (error) {
      this.flushes.inc({ outcome: "failed" });
      this.options.logger.warn({ err: error }, "could not send usage to the registry");
      return batch;
    }
    if (response.ok) {
      await response.body?.cancel();
      this.flushes.inc({ outcome: "sent" });
      return [];
    }
    const text = (await response.text().catch(() => "")).slice(0, 500);
    if (response.status !== 400) {
      this.flushes.inc({ outcome: "failed" });
      this.options.logger.warn({ status: response.status, body: text }, "could not send usage to the registry");
      return batch;
    }
    this.flushes.inc({ outcome: "refused" });
    if (batch.length === 1) {
      this.drop("refused", batch);
      this.options.logger.warn({ hash: batch[0].operation.hash, body: text }, "the registry refused an operation's usage: dropped");
      return [];
    }
    const half = Math.ceil(batch.length / 2);
    return [...(await this.send(batch.slice(0, half))), ...(await this.send(batch.slice(half)))];
  }

  private drop(reason: string, reports: Report[]) {
    const total = reports.reduce((sum, report) => sum + report.counts.reduce((s, count) => s + count.count, 0), 0);
    if (total) this.dropped.inc({ reason }, total);
  }

  /** Coordinates per document hash: the same text uses the same coordinates (computed here, off the request path). */
  private coordinatesOf(hash: string, operation: PendingOperation): string[] {
    let coordinates = this.coordinateCache.get(hash);
    if (!coordinates) {
      coordinates = this.options.coordinates(operation.schema, parse(operation.body, { noLocation: true }));
      if (this.coordinateCache.size >= MAX_CACHED_COORDINATES) this.coordinateCache.clear();
      this.coordinateCache.set(hash, coordinates);
    }
    return coordinates;
  }

  /**
   * At start: whether the registry takes this gateway's reports (an empty one records nothing). A
   * REGISTRY_KEY with registry:read only would have every flush refused: say so once, clearly.
   */
  async checkAccess(): Promise<boolean> {
    const response = await this.options.registry.request("/usage", { method: "POST", body: { operations: [], counts: [] } }).catch(() => undefined);
    if (!response) return true; // the registry is not up yet: flushes will say so
    await response.body?.cancel();
    if (response.status === 401 || response.status === 403) {
      this.options.logger.warn(
        { status: response.status },
        "the registry refuses this gateway's usage reports: REGISTRY_KEY needs the registry:write scope (or leave it unset for a platform service token), or set USAGE_REPORTING=0",
      );
      return false;
    }
    return true;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    // At shutdown there is no next window: what failed once gets its second try now.
    if (this.retry.length) await this.flush();
  }
}

/**
 * Records each operation that reached execution, whatever its outcome: one refused before it ran
 * (a variant, introspection or operation guard, a validation error) used nothing of the schema.
 */
export function usagePlugin(recorder: UsageRecorder): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async executionDidStart({ operation, queryHash, source, schema, request }) {
          if (!operation || !queryHash || source === undefined) return;
          recorder.record({
            hash: queryHash,
            name: operation.name?.value ?? "",
            type: operation.operation,
            body: source,
            schema,
            clientName: request.http?.headers.get("apollographql-client-name"),
            clientVersion: request.http?.headers.get("apollographql-client-version"),
          });
        },
      };
    },
  };
}

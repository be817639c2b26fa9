import type { EventLoopUtilization } from "node:perf_hooks";
import { performance } from "node:perf_hooks";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Registry } from "prom-client";
import { Counter, Gauge } from "prom-client";
import { requestError } from "./errors";
import { sendError } from "./limits";

export interface AdmissionLimits {
  /** Requests served at once; 0 turns admission control off (no limit, no queue). */
  maxInFlight: number;
  /** Requests waiting for a place; one more is refused at once. */
  maxQueued: number;
  /** A request still waiting after this long is refused: the answer it waits for would come too late. */
  maxWaitMs: number;
  /**
   * Above this share of the last ~100 ms spent running code (0–1; 1: never), the process itself is
   * the bottleneck: fewer requests are let in at once until it is not.
   */
  maxEventLoopUtilization: number;
}

/** Why a request was refused: the queue was full when it came, or it waited its longest. */
export type ShedReason = "queue_full" | "waited_too_long";

/** How long an event-loop utilization reading stands before the next is taken. */
const UTILIZATION_WINDOW_MS = 100;

interface Waiter {
  admit: (release: () => void) => void;
  shed: (reason: ShedReason) => void;
  timer: NodeJS.Timeout;
}

/**
 * At most `maxInFlight` requests at once, then a first-come queue of `maxQueued` that no request
 * stays in longer than `maxWaitMs`. Past that, work would only queue up: each waiting request
 * makes every later one later, memory grows with the sockets held, and clients time out on
 * answers the server still pays for. Refusing the excess at once keeps the accepted requests fast.
 *
 * A place in flight bounds what waits on others (subgraphs, the database), not this process's own
 * CPU: with fast upstreams, 64 requests can keep its one thread busy all the time, and then the
 * connections and refusals it has not read yet wait behind them (seen: accepted 7 s late, the
 * listen queue 500 deep, while timers ran on time). So the places open shrink while the event loop
 * is busier than `maxEventLoopUtilization` (by a tenth each ~100 ms, never below an eighth of
 * `maxInFlight`) and grow back by one each ~100 ms that it is not, up to `maxInFlight`: what would
 * have run then waits in the queue, which a short burst passes through and a flood fills.
 */
export class AdmissionGate {
  private running = 0;
  /** Insertion-ordered: the first is the oldest. */
  private readonly waiting = new Set<Waiter>();
  /** Places open now: `maxInFlight`, less while the event loop is too busy. */
  private open: number;
  private utilization: { at: number; reading: EventLoopUtilization };

  constructor(
    private readonly limits: AdmissionLimits,
    /** The event loop's utilization since `previous` (performance.eventLoopUtilization's shape), replaceable in tests. */
    private readonly measure: (previous?: EventLoopUtilization) => EventLoopUtilization = (previous) => performance.eventLoopUtilization(previous),
  ) {
    this.open = limits.maxInFlight;
    this.utilization = { at: performance.now(), reading: this.measure() };
  }

  get inFlight(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.size;
  }

  /** Places open now (at most `maxInFlight`). */
  get limit(): number {
    this.adapt();
    return this.open;
  }

  /**
   * Calls `admit` (now, or when a place frees) with the function that gives the place back, or
   * `shed` with the reason. Returns what takes a waiting request out of the queue (its client left).
   */
  enter(admit: (release: () => void) => void, shed: (reason: ShedReason) => void): () => void {
    this.adapt();
    if (this.running < this.open && this.waiting.size === 0) {
      this.running += 1;
      admit(this.releaser());
      return () => undefined;
    }
    if (this.waiting.size >= this.limits.maxQueued) {
      shed("queue_full");
      return () => undefined;
    }
    const waiter: Waiter = {
      admit,
      shed,
      timer: setTimeout(() => {
        this.waiting.delete(waiter);
        shed("waited_too_long");
      }, this.limits.maxWaitMs),
    };
    this.waiting.add(waiter);
    return () => {
      clearTimeout(waiter.timer);
      this.waiting.delete(waiter);
    };
  }

  /** Takes a reading of the event loop at most every 100 ms and opens or closes places by it. */
  private adapt(): void {
    if (this.limits.maxEventLoopUtilization >= 1) return;
    const now = performance.now();
    const windows = Math.floor((now - this.utilization.at) / UTILIZATION_WINDOW_MS);
    if (windows < 1) return;
    const busy = this.measure(this.utilization.reading).utilization > this.limits.maxEventLoopUtilization;
    this.utilization = { at: now, reading: this.measure() };
    this.open = busy ? Math.max(this.fewest, Math.floor(Math.min(this.open, this.running) * 0.9)) : Math.min(this.limits.maxInFlight, this.open + windows);
  }

  /**
   * Places a busy loop never closes: an eighth of them (at least one). Fewer, and a request or two
   * held long by a slow upstream (or a blocking pause such as a schema swap, read as a busy loop)
   * would stop every other request until the loop had calmed for a while.
   */
  private get fewest(): number {
    return Math.max(1, Math.ceil(this.limits.maxInFlight / 8));
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running -= 1;
      this.adapt();
      this.admitNext();
    };
  }

  private admitNext(): void {
    for (const waiter of this.waiting) {
      if (this.running >= this.open) return;
      this.waiting.delete(waiter);
      clearTimeout(waiter.timer);
      this.running += 1;
      waiter.admit(this.releaser());
    }
  }
}

/** The refusal: 503 with Retry-After, coded SERVICE_UNAVAILABLE with `reason: "OVERLOADED"` so clients can tell it from an outage. */
export function overloaded(retryAfterSeconds = 1) {
  return requestError(
    "SERVICE_UNAVAILABLE",
    `The service is at capacity: retry in ${retryAfterSeconds} s`,
    { reason: "OVERLOADED", retryAfterSeconds },
    { "retry-after": String(retryAfterSeconds) },
  );
}

/**
 * Admission control for an HTTP route (CORS preflights pass: they cost nothing and a browser needs
 * them to read the refusal). A request holds its place until its response ends or its client
 * leaves; a client that leaves while waiting gives up its place in the queue. Counts what it
 * refuses, and shows what is in flight and waiting, in `registry` under `<prefix>_…`.
 */
/** A step of a route, on node's request and response: Express mounts it as middleware, a route without Express calls it. */
export type RouteStep = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

export function admissionControl(limits: AdmissionLimits, registry: Registry, prefix: string): RouteStep {
  if (limits.maxInFlight < 1) return (_req, _res, next) => next();
  const gate = new AdmissionGate(limits);
  const shedTotal = new Counter({
    name: `${prefix}_requests_shed_total`,
    help: "Requests refused with 503 because too many were in flight and waiting (queue_full) or one waited its longest (waited_too_long)",
    labelNames: ["reason"],
    registers: [registry],
  });
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name: `${prefix}_requests_${name}`,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  gauge("in_flight", "Requests admitted and not yet answered", () => gate.inFlight);
  gauge("limit", "Requests let in at once now: the configured most, less while the event loop is too busy", () => gate.limit);
  gauge("queued", "Requests waiting for a place", () => gate.queued);
  const refusal = overloaded();
  return (req, res, next) => {
    if (req.method === "OPTIONS") return next();
    const leave = gate.enter(
      (release) => {
        res.once("close", release);
        next();
      },
      (reason) => {
        shedTotal.inc({ reason });
        if (!res.writableEnded && !res.destroyed) sendError(res, refusal);
      },
    );
    res.once("close", leave);
  };
}

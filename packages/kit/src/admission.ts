import type { EventLoopUtilization } from "node:perf_hooks";
import { performance } from "node:perf_hooks";
import type { NextFunction, Request, RequestHandler, Response } from "express";
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
   * the bottleneck: a new request is refused at once while others are in flight.
   */
  maxEventLoopUtilization: number;
}

/** Why a request was refused: the process was busy, the queue was full when it came, or it waited its longest. */
export type ShedReason = "busy" | "queue_full" | "waited_too_long";

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
 * listen queue 500 deep, while timers ran on time). So while the event loop has been busier than
 * `maxEventLoopUtilization`, a request that finds others in flight is refused at once.
 */
export class AdmissionGate {
  private running = 0;
  /** Insertion-ordered: the first is the oldest. */
  private readonly waiting = new Set<Waiter>();
  private utilization: { at: number; reading: EventLoopUtilization; busy: boolean };

  constructor(
    private readonly limits: AdmissionLimits,
    /** The event loop's utilization since `previous` (performance.eventLoopUtilization's shape), replaceable in tests. */
    private readonly measure: (previous?: EventLoopUtilization) => EventLoopUtilization = (previous) => performance.eventLoopUtilization(previous),
  ) {
    this.utilization = { at: performance.now(), reading: this.measure(), busy: false };
  }

  /** Whether the event loop was busier than allowed over the last reading (taken at most every 100 ms). */
  private busy(): boolean {
    if (this.limits.maxEventLoopUtilization >= 1) return false;
    const now = performance.now();
    if (now - this.utilization.at >= UTILIZATION_WINDOW_MS) {
      const reading = this.measure();
      const busy = this.measure(this.utilization.reading).utilization > this.limits.maxEventLoopUtilization;
      this.utilization = { at: now, reading, busy };
    }
    return this.utilization.busy;
  }

  get inFlight(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.size;
  }

  /**
   * Calls `admit` (now, or when a place frees) with the function that gives the place back, or
   * `shed` with the reason. Returns what takes a waiting request out of the queue (its client left).
   */
  enter(admit: (release: () => void) => void, shed: (reason: ShedReason) => void): () => void {
    if (this.running > 0 && this.busy()) {
      shed("busy");
      return () => undefined;
    }
    if (this.running < this.limits.maxInFlight) {
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

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running -= 1;
      this.admitNext();
    };
  }

  private admitNext(): void {
    for (const waiter of this.waiting) {
      if (this.running >= this.limits.maxInFlight) return;
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
export function admissionControl(limits: AdmissionLimits, registry: Registry, prefix: string): RequestHandler {
  if (limits.maxInFlight < 1) return (_req: Request, _res: Response, next: NextFunction) => next();
  const gate = new AdmissionGate(limits);
  const shedTotal = new Counter({
    name: `${prefix}_requests_shed_total`,
    help: "Requests refused with 503: the event loop was too busy (busy), too many were in flight and waiting (queue_full), or one waited its longest (waited_too_long)",
    labelNames: ["reason"],
    registers: [registry],
  });
  new Gauge({
    name: `${prefix}_requests_in_flight`,
    help: "Requests admitted and not yet answered",
    registers: [registry],
    collect() {
      this.set(gate.inFlight);
    },
  });
  new Gauge({
    name: `${prefix}_requests_queued`,
    help: "Requests waiting for a place",
    registers: [registry],
    collect() {
      this.set(gate.queued);
    },
  });
  const refusal = overloaded();
  return (req: Request, res: Response, next: NextFunction) => {
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

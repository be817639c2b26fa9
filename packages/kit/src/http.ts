import crypto from "node:crypto";
import http from "node:http";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Express, NextFunction, Request, Response } from "express";
import express from "express";
import { envInt, isProduction } from "./config";
import { REQUEST_ID_HEADER } from "./identity";
import type { Logger } from "./logger";
import type { ServiceMetrics } from "./metrics";
import type { Tracing } from "./tracing";

declare module "express-serve-static-core" {
  interface Request {
    id: string;
    log: Logger;
  }
}

export interface RunningService {
  url: string;
  port: number;
  /** A function, not a method: it is handed on alone (`exitGracefullyOnSignals(logger, service.close)`). */
  close: () => Promise<void>;
}

/** Connections accepted by the kernel and not yet by the process; Linux caps it at net.core.somaxconn (4096). */
const LISTEN_BACKLOG = 4096;

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Thrown by a readiness check; its details join `/ready`'s 503 body (e.g. which subgraphs are down). */
export class NotReadyError extends Error {
  constructor(
    message: string,
    readonly details: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** TRUST_PROXY: true, false, a hop count, or addresses/subnets (Express syntax); default loopback. */
export function trustProxySetting(value: string | undefined): boolean | number | string {
  if (!value) return "loopback";
  if (value === "true") return true;
  if (value === "false") return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

/** A request's id (the caller's when well-formed, so one id follows it through the gateway into subgraphs) and its logger. */
export interface TrackedRequest {
  id: string;
  log: Logger;
}

/**
 * Gives a request its id (echoed in the response) and logger, and when its response is done,
 * observes its duration in `metrics` and logs it (not health checks and scrapes). On node's own
 * request and response, so a route served without Express is tracked the same way.
 */
export function trackRequest(req: IncomingMessage, res: ServerResponse, logger: Logger, metrics: ServiceMetrics): TrackedRequest {
  const incoming = req.headers[REQUEST_ID_HEADER];
  const id = typeof incoming === "string" && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
  const log = logger.child({ requestId: id });
  res.setHeader(REQUEST_ID_HEADER, id);
  const started = process.hrtime.bigint();
  // Taken now: a mounted router rewrites req.url before the response ends.
  const path = (req.url ?? "/").split("?")[0];
  res.on("finish", () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const route = path === "/graphql" || path.startsWith("/internal/") ? path : "other";
    metrics.httpDuration.observe({ method: req.method ?? "", route, status: String(res.statusCode) }, seconds);
    if (path !== "/health" && path !== "/metrics") {
      log.info({ method: req.method, path, status: res.statusCode, ms: Math.round(seconds * 1000) }, "request");
    }
  });
  return { id, log };
}

/**
 * The HTTP shell shared by the gateway and every subgraph: request ids and access logs
 * (trackRequest), liveness, readiness and Prometheus metrics.
 */
export function createHttpApp(options: { logger: Logger; metrics: ServiceMetrics; ready: () => Promise<void> }): Express {
  const { logger, metrics } = options;
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", trustProxySetting(process.env.TRUST_PROXY));
  app.use((req: Request, res: Response, next: NextFunction) => {
    Object.assign(req, trackRequest(req, res, logger, metrics));
    next();
  });
  app.get("/health", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/ready", async (req, res) => {
    try {
      await options.ready();
      res.json({ status: "ready" });
    } catch (error) {
      req.log.warn({ err: error }, "not ready");
      const details = error instanceof NotReadyError ? error.details : {};
      res.status(503).json({ status: "unavailable", reason: (error as Error).message, ...details });
    }
  });
  app.get("/metrics", async (req, res) => {
    if (!mayScrape(req)) {
      res.status(404).end();
      return;
    }
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return app;
}

/**
 * Metrics describe the service to its operators, not to clients: with METRICS_TOKEN set, a scrape
 * must present it; without, only loopback may scrape in production.
 */
function mayScrape(req: Request): boolean {
  const token = process.env.METRICS_TOKEN;
  if (token) {
    const presented = Buffer.from(req.header("authorization") ?? "");
    const expected = Buffer.from(`Bearer ${token}`);
    return presented.length === expected.length && crypto.timingSafeEqual(presented, expected);
  }
  if (!isProduction()) return true;
  const address = req.socket.remoteAddress ?? "";
  return address === "127.0.0.1" || address === "::1" || address === "::ffff:127.0.0.1";
}

/**
 * SHUTDOWN_DELAY_MS: after SIGTERM a service keeps serving this long while /ready answers 503, so
 * load balancers (Kubernetes endpoints) stop sending to it before it stops accepting: closing at
 * once would refuse the requests they still route here in the meantime.
 */
export function shutdownDelayMs(): number {
  return envInt("SHUTDOWN_DELAY_MS", 0);
}

const DRAINING_BODY = JSON.stringify({ status: "unavailable", reason: "shutting down" });

export interface ListeningService extends RunningService {
  server: http.Server;
  /**
   * The first step of close(), for callers with work between it and the rest (the gateway closes
   * its sockets here): /ready answers 503 and every answer closes its connection, for SHUTDOWN_DELAY_MS.
   */
  drain: () => Promise<void>;
}

export async function listen(app: RequestListener, port: number, host: string, onClose: () => Promise<void>): Promise<ListeningService> {
  let draining = false;
  const server = http.createServer((req, res) => {
    if (draining) {
      // Keep-alive callers reconnect for their next request, to a replica that is staying.
      res.setHeader("connection", "close");
      if ((req.url ?? "").split("?")[0] === "/ready") {
        res.writeHead(503, { "content-type": "application/json", "content-length": Buffer.byteLength(DRAINING_BODY) }).end(DRAINING_BODY);
        return;
      }
    }
    app(req, res);
  });
  // Keep-alive sockets from the gateway must not hold a shutdown open forever.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // A burst of new connections (clients opening one per request at once, under load) waits to be
    // accepted rather than having its SYNs dropped, which clients retry only after 1, 3, 7 s.
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => resolve());
  });
  const address = server.address() as AddressInfo;
  let drained: Promise<void> | undefined;
  const drain = () =>
    (drained ??= (async () => {
      draining = true;
      const delay = shutdownDelayMs();
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    })());
  let closing: Promise<void> | undefined;
  return {
    server,
    port: address.port,
    url: `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${address.port}/graphql`,
    drain,
    close: () =>
      (closing ??= (async () => {
        await drain();
        // Stop accepting, let in-flight requests finish, then release what they were using.
        // Keep-alive connections go as soon as they fall idle, not when their client hangs up.
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        const sweeper = setInterval(() => server.closeIdleConnections(), 50);
        server.closeIdleConnections();
        await stopped;
        clearInterval(sweeper);
        await onClose();
      })()),
  };
}

/**
 * A service as a process (the gateway, the registry, a subgraph): started, then drained on
 * SIGTERM/SIGINT (exitGracefullyOnSignals) before its last spans are sent. A start that fails is
 * logged as `failedMessage` and ends the process with exit code 1.
 */
export async function serveUntilSignalled(logger: Logger, failedMessage: string, tracing: Tracing, start: () => Promise<{ close(): Promise<void> }>): Promise<void> {
  try {
    const service = await start();
    exitGracefullyOnSignals(logger, async () => {
      await service.close();
      await tracing.shutdown();
    });
  } catch (error) {
    logger.fatal({ err: error }, failedMessage);
    process.exit(1);
  }
}

/** SIGTERM/SIGINT: finish in-flight work, release resources, exit; a second signal exits at once. */
export function exitGracefullyOnSignals(logger: Logger, close: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, "shutting down");
    const timer = setTimeout(
      () => {
        logger.error("shutdown took too long, exiting");
        process.exit(1);
      },
      shutdownDelayMs() + Number(process.env.SHUTDOWN_TIMEOUT_MS ?? 15_000),
    );
    timer.unref();
    close().then(
      () => {
        logger.info("stopped");
        process.exit(0);
      },
      (error) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  watchSupervisor(() => stop("SIGTERM"));
}

/**
 * `npm start` runs services in process groups of their own (so a terminal's Ctrl-C reaches only
 * the supervisor, which stops them in order). If the supervisor dies without stopping them, they
 * notice here and stop themselves rather than linger.
 */
export function watchSupervisor(onGone: () => void): void {
  const pid = Number(process.env.SOLO_SUPERVISOR_PID);
  if (!pid) return;
  const timer = setInterval(() => {
    try {
      process.kill(pid, 0);
    } catch {
      clearInterval(timer);
      onGone();
    }
  }, 1_000);
  timer.unref();
}

import { fork } from "node:child_process";
import http from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import net from "node:net";
import type { Duplex } from "node:stream";

/**
 * A local stand-in for a Kubernetes Service in front of replicas, in a process of its own (as a
 * real balancer is not in its clients' process): it sends each HTTP request and each WebSocket
 * upgrade to the next backend in rotation (round robin). Rotation follows `/ready` as endpoints
 * follow a readiness probe: each backend is checked `checkEveryMs` after its last check ended,
 * comes in at its first 200 and goes out after `failureThreshold` failures in a row (a check not
 * answered within `timeoutMs` fails). It never retries: what a backend fails, the client sees
 * (502), so a test counts every failure.
 */
export interface LoadBalancer {
  /** http://127.0.0.1:<port>: put a path after it (`/graphql`). */
  origin: string;
  /** Its process, for CPU and memory readings. */
  pid: number;
  /** A backend (its origin), in rotation once its `/ready` answers 200. */
  add(origin: string): Promise<void>;
  /** Out of rotation at once; requests in flight to it finish. */
  remove(origin: string): Promise<void>;
  /** Backends in rotation now. */
  ready(): Promise<string[]>;
  stats(): Promise<BalancerStats>;
  close(): Promise<void>;
}

interface BalancerStats {
  /** Requests and upgrades sent to each backend origin. */
  served: Record<string, number>;
  /** Requests and upgrades a backend failed (connection refused or reset): answered 502. */
  badGateway: number;
  /** The first few of those: which backend, what was asked, what went wrong, when. */
  badGatewayDetails: { backend: string; request: string; error: string; at: number }[];
  /** Those that found no backend in rotation: answered 503. */
  noBackend: number;
}

interface Backend {
  origin: string;
  agent: http.Agent;
  ready: boolean;
  failures: number;
}

export interface LoadBalancerOptions {
  /** Default 100 ms. */
  checkEveryMs?: number;
  /** Default 3, as a readiness probe's. */
  failureThreshold?: number;
  /** Default 1000 ms, as a readiness probe's timeoutSeconds. */
  timeoutMs?: number;
}

type Operation = "add" | "remove" | "ready" | "stats" | "close";

/** Starts a balancer in a child process and talks to it over IPC. */
export async function startLoadBalancer(options: LoadBalancerOptions = {}): Promise<LoadBalancer> {
  const child = fork(__filename, [JSON.stringify(options)], { execArgv: [], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const waiting = new Map<number, (result: unknown) => void>();
  let next = 0;
  const origin = await new Promise<string>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`the load balancer exited with ${code}`)));
    child.once("message", (message) => resolve((message as { origin: string }).origin));
  });
  child.on("message", (message) => {
    const { id, result } = message as { id: number; result: unknown };
    waiting.get(id)?.(result);
    waiting.delete(id);
  });
  const call = <T>(op: Operation, argument?: string) =>
    new Promise<T>((resolve) => {
      const id = next++;
      waiting.set(id, resolve as (result: unknown) => void);
      child.send({ id, op, argument });
    });
  return {
    origin,
    pid: child.pid!,
    add: (backend) => call("add", backend),
    remove: (backend) => call("remove", backend),
    ready: () => call("ready"),
    stats: () => call("stats"),
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      await call("close").catch(() => undefined);
      child.disconnect();
      await exited;
    },
  };
}

/** The balancer itself, in this process. */
async function serveLoadBalancer(options: LoadBalancerOptions) {
  const backends = new Map<string, Backend>();
  const stats = { served: new Map<string, number>(), badGateway: 0, noBackend: 0, badGatewayDetails: [] as BalancerStats["badGatewayDetails"] };
  const failed = (backend: Backend, request: string, error: Error) => {
    stats.badGateway += 1;
    if (stats.badGatewayDetails.length < 10) stats.badGatewayDetails.push({ backend: backend.origin, request, error: error.message, at: Date.now() });
  };
  let turn = 0;
  const pick = (): Backend | undefined => {
    const ready = [...backends.values()].filter((backend) => backend.ready);
    if (!ready.length) return undefined;
    const backend = ready[turn++ % ready.length];
    stats.served.set(backend.origin, (stats.served.get(backend.origin) ?? 0) + 1);
    return backend;
  };

  let closed = false;
  const watch = async (backend: Backend) => {
    while (!closed && backends.get(backend.origin) === backend) {
      const response = await fetch(`${backend.origin}/ready`, { signal: AbortSignal.timeout(options.timeoutMs ?? 1_000) }).catch(() => undefined);
      await response?.body?.cancel().catch(() => undefined);
      backend.failures = response?.status === 200 ? 0 : backend.failures + 1;
      if (backend.failures === 0) backend.ready = true;
      else if (backend.failures >= (options.failureThreshold ?? 3)) backend.ready = false;
      await new Promise((resolve) => setTimeout(resolve, options.checkEveryMs ?? 100));
    }
  };

  const proxy = (req: IncomingMessage, res: ServerResponse) => {
    const backend = pick();
    if (!backend) {
      stats.noBackend += 1;
      res.writeHead(503, { "content-type": "text/plain" }).end("no backend is ready");
      return;
    }
    const target = new URL(backend.origin);
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, "x-forwarded-for": req.socket.remoteAddress ?? "" },
        agent: backend.agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", (error) => {
      failed(backend, `${req.method} ${req.url}`, error);
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" }).end(`bad gateway: ${error.message}`);
      else res.destroy(error);
    });
    req.pipe(upstream);
  };

  // An upgrade goes to a backend as the bytes it came as; from then on the two sockets are piped.
  const upgrade = (req: IncomingMessage, client: Duplex, head: Buffer) => {
    const backend = pick();
    if (!backend) {
      stats.noBackend += 1;
      client.end("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    const target = new URL(backend.origin);
    const upstream = net.connect(Number(target.port), target.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let index = 0; index < req.rawHeaders.length; index += 2) lines.push(`${req.rawHeaders[index]}: ${req.rawHeaders[index + 1]}`);
      lines.push(`X-Forwarded-For: ${req.socket.remoteAddress ?? ""}`);
      upstream.write(`${lines.join("\r\n")}\r\n\r\n`);
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on("error", (error) => {
      failed(backend, `upgrade ${req.url}`, error);
      client.destroy();
    });
    client.on("error", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    client.on("close", () => upstream.destroy());
  };

  const server = http.createServer(proxy);
  server.on("upgrade", upgrade);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const origin = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  const sockets = new Set<net.Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });

  return {
    origin,
    add(backendOrigin: string) {
      const backend: Backend = { origin: backendOrigin, agent: new http.Agent({ keepAlive: true }), ready: false, failures: 0 };
      backends.set(backendOrigin, backend);
      void watch(backend);
    },
    remove(backendOrigin: string) {
      // Out of rotation; what is in flight to it finishes (its agent's sockets close as the backend closes them).
      backends.delete(backendOrigin);
    },
    ready: () => [...backends.values()].filter((backend) => backend.ready).map((backend) => backend.origin),
    stats: (): BalancerStats => ({ ...stats, served: Object.fromEntries(stats.served) }),
    async close() {
      closed = true;
      for (const backend of backends.values()) backend.agent.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

if (require.main === module && process.send) {
  serveLoadBalancer(JSON.parse(process.argv[2] ?? "{}") as LoadBalancerOptions).then(
    (balancer) => {
      process.on("message", (message) => {
        const { id, op, argument } = message as { id: number; op: Operation; argument?: string };
        const answer = (result?: unknown) => process.send!({ id, result });
        if (op === "add") answer(balancer.add(argument!));
        else if (op === "remove") answer(balancer.remove(argument!));
        else if (op === "ready") answer(balancer.ready());
        else if (op === "stats") answer(balancer.stats());
        else void balancer.close().then(() => answer());
      });
      // Its parent gone (a test process that ended), it goes too.
      process.on("disconnect", () => process.exit(0));
      process.send!({ origin: balancer.origin });
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

import http from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";

export interface OpenLoopOptions {
  url: string;
  body: string;
  headers?: Record<string, string>;
  /** Requests per second, sent on schedule whether or not earlier ones were answered. */
  rate: number;
  seconds: number;
  /** The body every 200 must be, byte for byte. */
  expected: string;
  /** A request not answered by then is given up (and counted as timed out). */
  timeoutMs: number;
}

interface Latencies {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export interface OpenLoopResult {
  sent: number;
  /** 200s with the expected body, latency from the moment each was due to be sent. */
  accepted: Latencies;
  /** 503 or 429 with Retry-After: refused. */
  shed: Latencies;
  timedOut: number;
  /** Connections refused or reset before an answer: what an overwhelmed server's clients see. */
  failed: number;
  /** Anything else: another status, a 200 with another body, or a refusal without Retry-After. */
  wrong: number;
  firstWrong?: string;
  /** Connections opened (one per request at once: an answer that comes late takes one more). */
  connections: number;
  /** This process's own event-loop delay (ms) meanwhile: late sends and late reads would count as the server's. */
  loadGeneratorDelay: { p99: number; max: number };
}

function latencies(values: number[]): Latencies {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (quantile: number) => sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))] ?? 0;
  return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? 0 };
}

/**
 * Load at a fixed rate (an open loop), as many independent clients make it: a slow answer does not
 * slow the next request down, unlike autocannon's connections, which each wait for their answer
 * and so hide how long a queue has grown. Each request has its own time slot; its latency counts
 * from that slot, so time spent waiting for a connection is counted too.
 */
export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const target = new URL(options.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const headers = { "content-type": "application/json", "content-length": String(Buffer.byteLength(options.body)), ...options.headers };
  const accepted: number[] = [];
  const shed: number[] = [];
  const result = { sent: 0, timedOut: 0, failed: 0, wrong: 0, firstWrong: undefined as string | undefined };
  const wrong = (what: string) => {
    result.wrong += 1;
    result.firstWrong ??= what;
  };
  const outstanding = new Set<Promise<void>>();
  const sockets = new WeakSet<object>();
  let connections = 0;

  const send = (dueAt: number) => {
    const done = new Promise<void>((resolve) => {
      let settled = false;
      const settle = (record: () => void) => {
        if (settled) return;
        settled = true;
        record();
        resolve();
      };
      const request = http.request(
        { agent, host: target.hostname, port: target.port, path: target.pathname, method: "POST", headers, timeout: options.timeoutMs },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () =>
            settle(() => {
              const took = performance.now() - dueAt;
              const status = response.statusCode ?? 0;
              const text = Buffer.concat(chunks).toString("utf8");
              if (status === 200 && text === options.expected) accepted.push(took);
              else if ((status === 503 || status === 429) && response.headers["retry-after"]) shed.push(took);
              else wrong(`${status}: ${text.slice(0, 300)}`);
            }),
          );
          response.on("error", () => settle(() => (result.failed += 1)));
        },
      );
      request.on("socket", (socket) => {
        if (sockets.has(socket)) return;
        sockets.add(socket);
        connections += 1;
      });
      request.on("timeout", () => {
        settle(() => (result.timedOut += 1));
        request.destroy();
      });
      request.on("error", () => settle(() => (result.failed += 1)));
      request.end(options.body);
    });
    outstanding.add(done);
    void done.then(() => outstanding.delete(done));
  };

  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const interval = 1000 / options.rate;
  const total = Math.round(options.rate * options.seconds);
  const start = performance.now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (result.sent < total && start + result.sent * interval <= now) {
        send(start + result.sent * interval);
        result.sent += 1;
      }
      if (result.sent >= total) return resolve();
      setTimeout(tick, 2);
    };
    tick();
  });
  await Promise.all(outstanding);
  agent.destroy();
  delay.disable();
  const loadGeneratorDelay = { p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 };
  return { ...result, connections, accepted: latencies(accepted), shed: latencies(shed), loadGeneratorDelay };
}

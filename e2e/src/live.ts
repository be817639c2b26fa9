import { Client, createClient } from "graphql-ws";
import WebSocket from "ws";

export interface LiveClient {
  client: Client;
  closed: Promise<{ code: number; reason: string }>;
}

/** A graphql-ws client over a real WebSocket, signed in through connection_init. */
export function connect(url: string, connectionParams: Record<string, unknown> = {}): LiveClient {
  let onClosed!: (event: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (onClosed = resolve));
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: false,
    on: { closed: (event) => onClosed({ code: (event as { code: number }).code, reason: String((event as { reason: string }).reason) }) },
  });
  return { client, closed };
}

export interface Received {
  results: { data?: any; errors?: any[] }[];
  ended: Promise<void>;
  next(count?: number, timeoutMs?: number): Promise<{ data?: any; errors?: any[] }[]>;
  stop(): void;
}

/** Subscribes and collects what arrives. */
export function subscribe(live: LiveClient, query: string, variables: Record<string, unknown> = {}): Received {
  const results: { data?: any; errors?: any[] }[] = [];
  let stop = () => {};
  const ended = new Promise<void>((resolve) => {
    stop = live.client.subscribe(
      { query, variables },
      {
        next: (value) => void results.push(value as any),
        error: (error) => {
          results.push({ errors: Array.isArray(error) ? error : [error] });
          resolve();
        },
        complete: () => resolve(),
      },
    );
  });
  return {
    results,
    ended,
    stop: () => stop(),
    async next(count = results.length + 1, timeoutMs = 2_000) {
      const deadline = Date.now() + timeoutMs;
      while (results.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      if (results.length < count) throw new Error(`expected ${count} results within ${timeoutMs} ms, got ${JSON.stringify(results)}`);
      return results;
    },
  };
}

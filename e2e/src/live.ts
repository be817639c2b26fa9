import type { Client } from "graphql-ws";
import { createClient } from "graphql-ws";
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

/** graphql-transport-ws spoken by hand, for tests that must see each message and close code. */
export interface RawSocket {
  socket: WebSocket;
  /** Every message received so far, parsed, in order. */
  messages: any[];
  closed: Promise<{ code: number; reason: string }>;
  send(message: object): void;
  subscribe(id: string, query: string, variables?: Record<string, unknown>): void;
  /** The first message, received or to come, that matches. */
  waitFor(match: (message: any) => boolean, timeoutMs?: number): Promise<any>;
  /** The messages for one subscription id. */
  about(id: string): any[];
}

/** Opens a socket (with extra upgrade headers if given), signs in with `payload` and waits for the ack. */
export async function rawConnect(url: string, payload: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<RawSocket> {
  const raw = rawSocket(url, headers);
  await new Promise<void>((resolve, reject) => {
    raw.socket.once("open", () => resolve());
    raw.socket.once("error", reject);
  });
  raw.send({ type: "connection_init", payload });
  await raw.waitFor((message) => message.type === "connection_ack");
  return raw;
}

/** A socket speaking graphql-transport-ws, not yet open. */
export function rawSocket(url: string, headers: Record<string, string> = {}): RawSocket {
  const socket = new WebSocket(url, "graphql-transport-ws", { headers });
  const messages: any[] = [];
  // One Buffer per message with ws's default binaryType.
  socket.on("message", (data) => messages.push(JSON.parse((data as Buffer).toString("utf8"))));
  socket.on("error", () => undefined); // a refused or reset socket reports through `closed`
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.once("close", (code, reason) => resolve({ code, reason: String(reason) })));
  const raw: RawSocket = {
    socket,
    messages,
    closed,
    send: (message) => socket.send(JSON.stringify(message)),
    subscribe: (id, query, variables = {}) => raw.send({ type: "subscribe", id, payload: { query, variables } }),
    async waitFor(match, timeoutMs = 3_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find(match);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(messages)}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    about: (id) => messages.filter((message) => message.id === id),
  };
  return raw;
}

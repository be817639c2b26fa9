import type { Client as LiveClient } from "graphql-ws/client";
import { createClient } from "graphql-ws/client";
import type { ApiError } from "./errors";
import { SoloRequestError } from "./errors";

export interface LiveOptions {
  /**
   * The WebSocket class. Browsers and React Native have one, and so has Node 22+; Node 20 has
   * none: pass `require("ws")`.
   */
  WebSocket?: unknown;
  /**
   * Wait before reconnect attempt `attempt` (0 first), in ms; by default 0.5–1 s doubling up to 15–30 s
   * (0–0.5 s for the first after the server closed with 1001, going away: a restart).
   * It also paces the retries of a token refresh that failed on the way (network, 503).
   */
  reconnectDelayMs?: (attempt: number) => number;
  /** How many reconnect attempts in a row before live updates give up (their sinks get the error); by default no limit. */
  retryAttempts?: number;
  /** The connection opened (again, when `reconnected`): a page may hide its "reconnecting…" notice. */
  onConnected?: (reconnected: boolean) => void;
  /** The connection closed; live updates will reconnect unless they were all stopped. */
  onClosed?: (code: number | undefined) => void;
}

/** What a live update delivers: each event, and an error when it ends for good. */
export interface Sink<Result> {
  next(data: Result): void;
  error?(error: unknown): void;
  complete?(): void;
}

/** Close codes the gateway uses for credentials: refused (4401), and changed access (4403, reconnect). */
const UNAUTHORIZED = 4401;

/** 1001: the server is going away on purpose (a restart, a deploy), and its peers are serving. */
const GOING_AWAY = 1001;

function defaultDelay(attempt: number): number {
  const base = Math.min(500 * 2 ** attempt, 15_000);
  return base + Math.random() * base;
}

/**
 * After a 1001 the first attempt goes within 0–500 ms rather than 0.5–1 s: nothing failed, so
 * there is nothing to back off from, and every socket of the replica leaving is moving at once,
 * so the spread stays (its sockets do not all land on the next replica in the same instant).
 */
function goingAwayDelay(attempt: number): number {
  return attempt === 0 ? Math.random() * 500 : defaultDelay(attempt);
}

/**
 * graphql-ws, lazily connected (the first subscription opens the socket, the last one closes it),
 * retrying every lost connection, and asking for the connection params anew on each attempt (so
 * a reconnect carries the token as it is then). graphql-ws resubscribes what was running.
 */
export function createLiveClient(url: string, options: LiveOptions, connectionParams: () => Record<string, string>): LiveClient {
  let lastCloseCode: number | undefined;
  const delay = options.reconnectDelayMs ?? ((attempt: number) => (lastCloseCode === GOING_AWAY ? goingAwayDelay : defaultDelay)(attempt));
  let connections = 0;
  return createClient({
    url,
    webSocketImpl: options.WebSocket,
    lazy: true,
    connectionParams,
    retryAttempts: options.retryAttempts ?? Number.POSITIVE_INFINITY,
    // A connection that failed before it closed (refused, DNS) is worth retrying too.
    shouldRetry: () => true,
    retryWait: (attempt) => new Promise((resolve) => setTimeout(resolve, delay(attempt))),
    on: {
      connected: () => {
        connections += 1;
        options.onConnected?.(connections > 1);
      },
      closed: (event) => {
        lastCloseCode = (event as { code?: number } | undefined)?.code;
        options.onClosed?.(lastCloseCode);
      },
    },
  });
}

interface Running {
  query: string;
  variables: Record<string, unknown>;
  sink: Sink<unknown>;
  stop?: () => void;
}

/**
 * The client's subscriptions on one connection. graphql-ws reconnects and resubscribes by itself,
 * except when the gateway refuses the credentials: a socket closed with 4401, or a subscription
 * ended with UNAUTHENTICATED (its access token expired). Then the tokens are refreshed, once for
 * all of them, and every running subscription starts again on a new connection with the new token.
 */
export class LiveSubscriptions {
  private client?: LiveClient;
  /** Events from a connection given up for a new one are not delivered. */
  private generation = 0;
  private readonly running = new Set<Running>();
  private renewing = false;

  constructor(
    private readonly connect: () => LiveClient,
    private readonly refreshCredentials: () => Promise<boolean>,
    /** Wait before retrying a refresh that failed without an answer (attempt 0 first), in ms. */
    private readonly retryDelay: (attempt: number) => number = defaultDelay,
  ) {}

  subscribe<Result>(query: string, variables: unknown, sink: Sink<Result>): () => void {
    const entry: Running = { query, variables: (variables ?? {}) as Record<string, unknown>, sink };
    this.running.add(entry);
    if (!this.renewing) this.start(entry);
    return () => {
      this.running.delete(entry);
      entry.stop?.();
    };
  }

  async close(): Promise<void> {
    this.generation += 1;
    this.running.clear();
    const client = this.client;
    this.client = undefined;
    // A connection attempt under way that fails rejects dispose: closing is done either way.
    await Promise.resolve(client?.dispose()).catch(() => undefined);
  }

  private start(entry: Running): void {
    const generation = this.generation;
    const current = () => generation === this.generation && this.running.has(entry);
    const end = () => this.running.delete(entry);
    this.client ??= this.connect();
    entry.stop = this.client.subscribe(
      { query: entry.query, variables: entry.variables },
      {
        next: (result) => {
          if (!current()) return;
          const errors = (result.errors ?? []) as unknown as ApiError[];
          if (errors.some((error) => error.extensions?.code === "UNAUTHENTICATED")) return this.renew();
          if (errors.length) {
            end();
            return entry.sink.error?.(new SoloRequestError(errors, 200, result.data));
          }
          if (result.data) entry.sink.next(result.data);
        },
        error: (error) => {
          if (!current()) return;
          if ((error as { code?: number } | undefined)?.code === UNAUTHORIZED) return this.renew();
          end();
          entry.sink.error?.(error);
        },
        complete: () => {
          if (!current()) return;
          end();
          entry.sink.complete?.();
        },
      },
    );
  }

  private renew(): void {
    if (this.renewing) return;
    this.renewing = true;
    this.generation += 1;
    const old = this.client;
    this.client = undefined;
    void this.refreshUntilAnswered().then(async (refreshed) => {
      await Promise.resolve(old?.dispose()).catch(() => undefined);
      this.renewing = false;
      for (const entry of [...this.running]) {
        if (refreshed) this.start(entry);
        else {
          this.running.delete(entry);
          entry.sink.error?.(new SoloRequestError([{ message: "The credentials were refused: sign in again", extensions: { code: "UNAUTHENTICATED" } }], 401));
        }
      }
    });
  }

  /**
   * Whether the credentials were renewed. Only the API's refusal of the refresh (false) ends the
   * subscriptions: a refresh that failed on the way (network down, a proxy's 503) kept the tokens,
   * so it is tried again with backoff, until it gets an answer or nothing is left running.
   */
  private async refreshUntilAnswered(): Promise<boolean> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.refreshCredentials();
      } catch {
        if (this.running.size === 0) return false;
        await new Promise((resolve) => setTimeout(resolve, this.retryDelay(attempt)));
        if (this.running.size === 0) return false;
      }
    }
  }
}

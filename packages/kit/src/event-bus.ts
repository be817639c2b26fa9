import Redis from "ioredis";
import { Client, Pool } from "pg";
import { envString } from "./config";
import type { Logger } from "./logger";

export type EventHandler = (payload: Record<string, unknown>) => void;

/**
 * Events between processes and replicas: a subgraph publishes that something changed (keys only,
 * never data a subscriber might not be allowed to see), and every gateway replica hears it.
 * Two backends: Redis pub/sub when REDIS_URL is set, Postgres LISTEN/NOTIFY otherwise.
 * Delivery is at most once to whoever is listening at that moment: events say "look again", they
 * are not a log.
 */
export interface EventBus {
  readonly backend: "redis" | "postgres";
  publish(topic: string, payload: Record<string, unknown>): Promise<void>;
  /** Resolves once listening; the returned function stops this handler. */
  subscribe(topic: string, handler: EventHandler): Promise<() => void>;
  /** Called after a lost connection is back: whatever was published meanwhile went unheard. */
  onReconnect(handler: () => void): void;
  close(): Promise<void>;
}

class Handlers {
  private readonly byTopic = new Map<string, Set<EventHandler>>();

  add(topic: string, handler: EventHandler): { first: boolean; remove: () => boolean } {
    const set = this.byTopic.get(topic) ?? new Set();
    const first = set.size === 0;
    set.add(handler);
    this.byTopic.set(topic, set);
    return {
      first,
      remove: () => {
        set.delete(handler);
        if (set.size) return false;
        this.byTopic.delete(topic);
        return true;
      },
    };
  }

  dispatch(topic: string, payload: Record<string, unknown>, logger?: Logger): void {
    for (const handler of this.byTopic.get(topic) ?? []) {
      try {
        handler(payload);
      } catch (error) {
        logger?.error({ err: error, topic }, "event handler failed");
      }
    }
  }

  topics(): string[] {
    return [...this.byTopic.keys()];
  }
}

const CHANNEL_PREFIX = "solo:events:";

/** The one name onReconnect's handlers are kept under. */
const RECONNECTED = "reconnected";

class RedisEventBus implements EventBus {
  readonly backend = "redis" as const;
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly handlers = new Handlers();
  /** onReconnect's handlers, under one name of their own (RECONNECTED), apart from the topics'. */
  private readonly reconnected = new Handlers();

  constructor(
    url: string,
    private readonly logger?: Logger,
    connectionName?: string,
  ) {
    this.publisher = new Redis(url, { lazyConnect: true, connectionName });
    this.subscriber = new Redis(url, { lazyConnect: true, connectionName });
    for (const client of [this.publisher, this.subscriber]) client.on("error", (error) => logger?.warn({ err: error }, "event bus: redis error"));
    let readyBefore = false;
    this.subscriber.on("ready", () => {
      if (readyBefore) this.reconnected.dispatch(RECONNECTED, {}, this.logger);
      readyBefore = true;
    });
    // ioredis re-subscribes its channels after a reconnect by itself.
    this.subscriber.on("message", (channel: string, message: string) => {
      this.handlers.dispatch(channel.slice(CHANNEL_PREFIX.length), JSON.parse(message) as Record<string, unknown>, this.logger);
    });
  }

  async connect(): Promise<void> {
    await Promise.all([this.publisher.connect(), this.subscriber.connect()]);
  }

  async publish(topic: string, payload: Record<string, unknown>): Promise<void> {
    await this.publisher.publish(CHANNEL_PREFIX + topic, JSON.stringify(payload));
  }

  async subscribe(topic: string, handler: EventHandler): Promise<() => void> {
    const { first, remove } = this.handlers.add(topic, handler);
    if (first) await this.subscriber.subscribe(CHANNEL_PREFIX + topic);
    return () => {
      if (remove()) void this.subscriber.unsubscribe(CHANNEL_PREFIX + topic).catch(() => undefined);
    };
  }

  onReconnect(handler: () => void): void {
    this.reconnected.add(RECONNECTED, () => handler());
  }

  async close(): Promise<void> {
    this.publisher.disconnect();
    this.subscriber.disconnect();
  }
}

/** One channel for every topic (channel names are identifiers; topics are not), topic in the payload. */
const PG_CHANNEL = "solo_events";
/** NOTIFY payloads stop at 8000 bytes; events carry keys, far below that. */
const PG_MAX_PAYLOAD = 7900;

class PostgresEventBus implements EventBus {
  readonly backend = "postgres" as const;
  private readonly pool: Pool;
  private listener: Client | undefined;
  private readonly handlers = new Handlers();
  /** onReconnect's handlers, under one name of their own (RECONNECTED), apart from the topics'. */
  private readonly reconnected = new Handlers();
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly logger?: Logger,
    private readonly connectionName?: string,
  ) {
    this.pool = new Pool({ connectionString: url, max: 2, application_name: connectionName });
    // An idle publishing connection the server drops (a Postgres restart) is replaced at the next
    // publish; unheard, its error event would end the process.
    this.pool.on("error", (error) => this.logger?.warn({ err: error }, "event bus: idle postgres connection lost"));
  }

  async connect(): Promise<void> {
    const client = new Client({ connectionString: this.url, application_name: this.connectionName });
    client.on("notification", (message) => {
      if (message.channel !== PG_CHANNEL || !message.payload) return;
      const { topic, payload } = JSON.parse(message.payload) as { topic: string; payload: Record<string, unknown> };
      this.handlers.dispatch(topic, payload, this.logger);
    });
    // A dropped connection loses LISTEN: reconnect and listen again until closed.
    client.on("error", (error) => {
      this.logger?.warn({ err: error }, "event bus: postgres listener lost, reconnecting");
      this.reconnect();
    });
    await client.connect();
    await client.query(`LISTEN ${PG_CHANNEL}`);
    this.listener = client;
  }

  private reconnect(): void {
    if (this.closed) return;
    const old = this.listener;
    this.listener = undefined;
    void old?.end().catch(() => undefined);
    setTimeout(() => {
      this.connect().then(
        () => this.reconnected.dispatch(RECONNECTED, {}, this.logger),
        (error) => {
          this.logger?.warn({ err: error }, "event bus: reconnect failed, retrying");
          this.reconnect();
        },
      );
    }, 500).unref();
  }

  async publish(topic: string, payload: Record<string, unknown>): Promise<void> {
    const message = JSON.stringify({ topic, payload });
    if (Buffer.byteLength(message) > PG_MAX_PAYLOAD) throw new Error(`event too large for NOTIFY (${topic})`);
    await this.pool.query("select pg_notify($1, $2)", [PG_CHANNEL, message]);
  }

  async subscribe(topic: string, handler: EventHandler): Promise<() => void> {
    const { remove } = this.handlers.add(topic, handler);
    return () => void remove();
  }

  onReconnect(handler: () => void): void {
    this.reconnected.add(RECONNECTED, () => handler());
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.listener?.end().catch(() => undefined);
    await this.pool.end();
  }
}

export interface EventBusOptions {
  redisUrl?: string;
  databaseUrl: string;
  logger?: Logger;
  /**
   * Deployments (or test runs) sharing one Redis or database hear only their own events when each
   * has a namespace of its own; publishers and listeners of one deployment must agree on it.
   */
  namespace?: string;
  /** Names its connections (Redis CLIENT LIST, Postgres application_name), to find them there. */
  connectionName?: string;
}

export async function createEventBus(options: EventBusOptions): Promise<EventBus> {
  const bus = options.redisUrl
    ? new RedisEventBus(options.redisUrl, options.logger, options.connectionName)
    : new PostgresEventBus(options.databaseUrl, options.logger, options.connectionName);
  await bus.connect();
  return options.namespace ? inNamespace(bus, options.namespace) : bus;
}

/** EVENT_BUS_NAMESPACE: empty (the default) for one deployment per Redis or database. */
export function eventBusNamespace(): string {
  return envString("EVENT_BUS_NAMESPACE", "");
}

function inNamespace(bus: EventBus, namespace: string): EventBus {
  const scoped = (topic: string) => `${namespace}/${topic}`;
  return {
    backend: bus.backend,
    publish: (topic, payload) => bus.publish(scoped(topic), payload),
    subscribe: (topic, handler) => bus.subscribe(scoped(topic), handler),
    onReconnect: (handler) => bus.onReconnect(handler),
    close: () => bus.close(),
  };
}

/**
 * The topic of a subscription field with its arguments, e.g. `leaderboardUpdated(testId=…)`.
 * Subgraphs publish to it; the gateway computes the same name from a subscription document, so a
 * new subscription field needs no code at the gateway. Arguments are sorted by name; null and
 * absent arguments are left out (`liveStudyStats()` is the topic of "every course").
 */
export function subscriptionTopic(field: string, args: Record<string, unknown> = {}): string {
  const parts = Object.keys(args)
    .filter((name) => args[name] !== null && args[name] !== undefined)
    .sort()
    .map((name) => `${name}=${String(args[name])}`);
  return `${field}(${parts.join(",")})`;
}

import crypto from "node:crypto";
import type { ApolloServer } from "@apollo/server";
import type { EventBus, Identity, Logger } from "@solo/kit";
import { isClientError } from "@solo/kit";
import type { DocumentNode } from "graphql";
import { GraphQLError, print } from "graphql";
import type { Counter } from "prom-client";
import type { GatewayContext } from "./context";

export type Result = { data?: Record<string, unknown> | null; errors?: readonly GraphQLError[] };

export interface GroupSpec {
  topic: string;
  lookup: DocumentNode;
  variables: Record<string, unknown>;
  identity: Identity;
  field: string;
  /**
   * A lookup that reads null says there is nothing yet (a marketer without leads, an import not
   * started), not that it is not theirs to watch: see LiveField.emptyMeansWaiting.
   */
  emptyMeansWaiting?: boolean;
}

export interface GroupServices {
  apollo: ApolloServer<GatewayContext>;
  bus: EventBus;
  logger: Logger;
  executions: Counter<"field">;
}

/**
 * What a read of a subscription's lookup says: the subscriber may see it; the subject is not
 * theirs to watch (any more), with the coded errors that say so; or the read failed for a reason
 * of ours (a subgraph down), which says nothing about access.
 */
export type Verdict = { visible: true; empty?: boolean } | { visible: false; refused: readonly GraphQLError[] } | { visible: false; refused?: undefined };

/** An answer about the request (access, input), not about our health: the subscriber's to hear. */
const isRefusal = (code: unknown) => isClientError(code) && code !== "SERVICE_UNAVAILABLE";

export function judge(result: Result, emptyMeansWaiting = false): Verdict {
  const refusals = (result.errors ?? []).filter((error) => isRefusal(error.extensions?.code));
  if (refusals.length) return { visible: false, refused: refusals };
  if (result.data && Object.values(result.data).some((value) => value !== null)) return { visible: true };
  // Nothing yet on a topic of the subscriber's own: allowed, with nothing to deliver.
  if (!result.errors?.length && emptyMeansWaiting) return { visible: true, empty: true };
  // Nothing and no reason: the subject reads as null for this identity.
  if (!result.errors?.length) return { visible: false, refused: [new GraphQLError("Not found, or not yours to watch", { extensions: { code: "FORBIDDEN" } })] };
  return { visible: false };
}

/** Subscribers who get the same answer: one bus subscription, one execution per event. */
export class Group {
  readonly subscribers = new Set<Subscriber>();
  private unsubscribe?: () => void;
  private inFlight: Promise<void> = Promise.resolve();
  private started?: Promise<Result>;
  private allowed = false;
  private stopped = false;

  constructor(
    private readonly spec: GroupSpec,
    private readonly services: GroupServices,
  ) {}

  /** Subscribes to the topic and reads the current value once, as this group's identity. */
  ready(): Promise<Result> {
    this.started ??= (async () => {
      const unsubscribe = await this.services.bus.subscribe(this.spec.topic, () => {
        // Events queue behind each other: each delivery reflects a state at least as new.
        this.inFlight = this.inFlight.then(() => this.deliver()).catch((error) => this.services.logger.error({ err: error }, "live update failed"));
      });
      // Everyone left while we were subscribing: let go at once.
      if (this.stopped) {
        unsubscribe();
        return { data: null };
      }
      this.unsubscribe = unsubscribe;
      const access = await execute(this.services, this.spec);
      this.allowed = judge(access, this.spec.emptyMeansWaiting).visible;
      return access;
    })();
    // A failed start is not kept: the next subscriber tries again.
    this.started.catch(() => (this.started = undefined));
    return this.started;
  }

  private async deliver() {
    // An event during the first read waits for its verdict, then is read anew: it may be newer.
    await this.started?.catch(() => undefined);
    if (!this.allowed || !this.subscribers.size) return;
    const result = await execute(this.services, this.spec);
    this.services.executions.inc({ field: this.spec.field });
    const verdict = judge(result, this.spec.emptyMeansWaiting);
    if (verdict.visible) {
      if (!verdict.empty) for (const subscriber of this.subscribers) subscriber.push(result);
    } else if (verdict.refused) {
      // Access is decided again at every event: a test back to draft, or a subject handed to
      // someone else, ends the stream of everyone in this group (they share the answer).
      this.allowed = false;
      for (const subscriber of [...this.subscribers]) subscriber.fail(verdict.refused);
    } else {
      this.services.logger.warn({ field: this.spec.field, errors: result.errors?.map((error) => error.message) }, "live update skipped: the read failed");
    }
  }

  drain() {
    return this.inFlight;
  }

  stop() {
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}

/** What a subscriber's stream needs of its connection. */
export interface SubscriberConnection {
  /** When the access token the connection signed in with expires (API keys: never). */
  expiresAt?: number;
}

/** One subscriber's stream: results queue until graphql-ws pulls them. */
export class Subscriber implements AsyncIterableIterator<Result> {
  private readonly queue: Result[] = [];
  private waiting?: (value: IteratorResult<Result>) => void;
  private done = false;
  private expiry?: NodeJS.Timeout;

  constructor(
    connection: SubscriberConnection,
    /** Called once when the stream ends, however it ends. */
    private readonly onDone: () => void,
  ) {
    if (connection.expiresAt) {
      const ms = Math.max(0, connection.expiresAt - Date.now());
      // The subscription ends with an error when the token it was opened with expires.
      this.expiry = setTimeout(
        () =>
          this.fail([new GraphQLError("Access token expired: subscribe again with a fresh one", { extensions: { code: "UNAUTHENTICATED", reason: "TOKEN_EXPIRED" } })]),
        Math.min(ms, 2 ** 31 - 1),
      );
      this.expiry.unref();
    }
  }

  push(result: Result) {
    if (this.done) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: result, done: false });
    } else this.queue.push(result);
  }

  /** A last result carrying the errors, then the end of the stream (graphql-ws: next, complete). */
  fail(errors: readonly GraphQLError[]) {
    this.push({ errors });
    this.finish();
  }

  private finish() {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.expiry);
    this.onDone();
    if (this.waiting && !this.queue.length) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: undefined, done: true });
    }
  }

  /** Resolves once graphql-ws has taken everything queued for this subscriber. */
  async flushed(): Promise<void> {
    while (this.queue.length && !this.done) await new Promise((resolve) => setImmediate(resolve));
  }

  next(): Promise<IteratorResult<Result>> {
    const value = this.queue.shift();
    if (value) return Promise.resolve({ value, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<Result>> {
    this.queue.length = 0;
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator]() {
    return this;
  }
}

/** Runs a group's lookup query as its identity, through the same Apollo server as HTTP requests. */
async function execute(services: GroupServices, spec: GroupSpec): Promise<Result> {
  const response = await services.apollo.executeOperation(
    { query: print(spec.lookup), variables: spec.variables },
    // Fresh: the event that woke it may reach the response cache's eviction after this read would.
    { contextValue: { identity: spec.identity, requestId: crypto.randomUUID(), log: services.logger, fresh: true } },
  );
  if (response.body.kind !== "single") return { errors: [new GraphQLError("Unexpected incremental result")] };
  // Formatted errors (message, path, extensions) become errors again: graphql-ws serialises them.
  const errors = response.body.singleResult.errors?.map((error) => new GraphQLError(error.message, { path: error.path, extensions: error.extensions }));
  return { data: response.body.singleResult.data as Record<string, unknown> | null, errors };
}

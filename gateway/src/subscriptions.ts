import crypto from "node:crypto";
import type http from "node:http";
import type { ApolloServer } from "@apollo/server";
import { EventBus, Identity, Logger, subscriptionTopic } from "@solo/kit";
import {
  DocumentNode,
  ExecutionArgs,
  FieldNode,
  GraphQLError,
  GraphQLSchema,
  Kind,
  OperationDefinitionNode,
  getOperationAST,
  parse,
  print,
  validate,
  visit,
} from "graphql";
import { getArgumentValues, getVariableValues } from "graphql/execution/values";
import type { Counter } from "prom-client";
import { WebSocketServer } from "ws";
import type { Credentials } from "./authenticate";
import type { GatewayContext } from "./context";
import { LiveField } from "./live-fields";

// graphql-ws ships its Node adapter as a package export only ("graphql-ws/use/ws").
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { useServer } = require("graphql-ws/use/ws") as typeof import("graphql-ws/dist/use/ws.cjs");

type Result = { data?: Record<string, unknown> | null; errors?: readonly GraphQLError[] };

export interface SubscriptionServerOptions {
  server: http.Server;
  apollo: ApolloServer<GatewayContext>;
  bus: EventBus;
  logger: Logger;
  executions: Counter<"field">;
  current: () => { schema: GraphQLSchema; liveFields: Map<string, LiveField> } | undefined;
  authenticate: (credentials: Credentials) => Promise<Identity>;
  /** Counts a failed sign-in against the caller's IP (the HTTP path's limit); throws when over it. */
  onFailedAuthentication?: (ip: string) => Promise<void>;
  keepAliveMs?: number;
  /** How often a connection's credentials are checked again (logout, revocation, role change). */
  reauthenticateMs?: number;
}

interface ConnectionState {
  identity: Identity;
  /** When the access token the connection signed in with expires (API keys: never). */
  expiresAt?: number;
  recheck?: NodeJS.Timeout;
}

/**
 * graphql-ws on the gateway's /graphql, beside HTTP. A subscription listens on its field's topic
 * (from the field and its arguments, as the subgraph publishes), and on each event the gateway runs
 * the subscriber's selection through the field's lookup query, as the subscriber: fields from every
 * subgraph resolve as in queries, and nobody receives what they could not query. Subscribers who
 * would get the same answer share one execution per event.
 */
export function attachSubscriptions(options: SubscriptionServerOptions) {
  const wss = new WebSocketServer({ server: options.server, path: "/graphql" });
  const groups = new Map<string, Group>();
  const interval = options.reauthenticateMs ?? 30_000;
  // Many sockets often share one credential (tabs, a dashboard wall): one check serves them all
  // for a moment, instead of one call to the users subgraph per socket.
  const rechecks = new Map<string, { at: number; result: Promise<Identity | Error> }>();
  const recheck = (credentials: Credentials): Promise<Identity | Error> => {
    const key = `${credentials.authorization ?? ""}|${credentials.apiKey ?? ""}`;
    const cached = rechecks.get(key);
    if (cached && Date.now() - cached.at < Math.min(5_000, interval / 2)) return cached.result;
    const result = options.authenticate(credentials).catch((error: Error) => error);
    rechecks.set(key, { at: Date.now(), result });
    if (rechecks.size > 10_000) rechecks.clear();
    return result;
  };

  const disposable = useServer<Record<string, unknown>, { state?: ConnectionState }>(
    {
      onSubscribe: (_ctx, _id, payload) => prepare(requireSchema(options).schema, payload),
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const credentials: Credentials = {
          authorization: typeof params.authorization === "string" ? params.authorization : undefined,
          apiKey: typeof params.apiKey === "string" ? params.apiKey : undefined,
        };
        let identity: Identity;
        try {
          identity = await options.authenticate(credentials);
        } catch (error) {
          const code = (error as GraphQLError).extensions?.code;
          // The users subgraph being down is not the client's fault: its credentials may be fine.
          if (code === "SERVICE_UNAVAILABLE") ctx.extra.socket.close(1011, "Cannot check credentials now");
          else {
            const ip = ctx.extra.request.socket.remoteAddress ?? "unknown";
            await options.onFailedAuthentication?.(ip).catch(() => undefined);
            ctx.extra.socket.close(4401, "Unauthorized");
          }
          return false;
        }
        // Live updates are reads: an API key without any read scope may not open a socket (4403).
        if (identity.kind === "apiKey" && !identity.scopes.some((scope) => scope.endsWith(":read"))) return false;
        const state: ConnectionState = { identity, expiresAt: tokenExpiry(credentials.authorization) };
        // Each event is, in effect, a new request: a logout, a revoked key or a changed role must
        // end the connection too, not only the next HTTP call.
        const check = async () => {
          const now = await recheck(credentials);
          if (now instanceof Error) {
            if (now instanceof GraphQLError && now.extensions?.code === "SERVICE_UNAVAILABLE") return;
            ctx.extra.socket.close(4401, "Unauthorized");
          } else if (identityKey(now) !== identityKey(identity) || scopesOf(now) !== scopesOf(identity)) {
            ctx.extra.socket.close(4403, "Your access changed: reconnect");
          }
        };
        // Spread over the interval, so sockets opened together are not all checked at once.
        const first = setTimeout(() => {
          void check();
          state.recheck = setInterval(() => void check(), interval);
          state.recheck.unref();
        }, Math.floor(Math.random() * interval));
        first.unref();
        state.recheck = first;
        ctx.extra.state = state;
        return true;
      },
      onClose: (ctx) => {
        clearTimeout(ctx.extra.state?.recheck);
        clearInterval(ctx.extra.state?.recheck);
      },
      context: (ctx) => ({ state: ctx.extra.state }),
      subscribe: (args: ExecutionArgs) => subscribe(args),
      execute: () => refusal("Send queries and mutations over HTTP; this socket serves subscriptions"),
    },
    wss,
    options.keepAliveMs ?? 12_000,
  );

  function subscribe(args: ExecutionArgs): AsyncIterableIterator<Result> | Result {
    const state = (args.contextValue as { state: ConnectionState }).state;
    const operation = getOperationAST(args.document, args.operationName);
    if (!operation || operation.operation !== "subscription") return refusal("Only subscriptions are served here");
    const field = operation.selectionSet.selections[0];
    if (field?.kind !== Kind.FIELD) return refusal("Select the subscription field directly");
    const { schema, liveFields } = requireSchema(options);
    const live = liveFields.get(field.name.value);
    const definition = schema.getSubscriptionType()?.getFields()[field.name.value];
    if (!live || !definition) return refusal(`${field.name.value} is not a live field`);
    // graphql-ws hands over the variables as sent: coerced here, a wrong one is the client's error
    // (BAD_USER_INPUT, as over HTTP), not a throw that closes the socket with 4500.
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], args.variableValues ?? {});
    if (coerced.errors) {
      return { errors: coerced.errors.map((error) => new GraphQLError(error.message, { extensions: { code: "BAD_USER_INPUT" } })) };
    }
    const argumentValues = getArgumentValues(definition, field, coerced.coerced);
    const topic = subscriptionTopic(field.name.value, argumentValues);
    const lookup = toLookupQuery(args.document, operation, field, live.lookup);
    const variables = args.variableValues ?? {};
    // Only people share "signed-in" groups: an API key's access also depends on its scopes.
    const audience = live.audience === "signed-in" && state.identity.kind === "user" ? "signed-in" : identityKey(state.identity);
    const key = `${topic}|${audience}|${print(lookup)}|${JSON.stringify(variables)}`;
    const subscriber = new Subscriber(state, () => leave(key, subscriber));
    void join(key, { topic, lookup, variables, identity: state.identity, field: field.name.value }, subscriber);
    return subscriber;
  }

  async function join(key: string, spec: GroupSpec, subscriber: Subscriber) {
    let group = groups.get(key);
    if (!group) {
      group = new Group(spec, options);
      groups.set(key, group);
    }
    // Listening first, then the check, so no event falls between them.
    group.subscribers.add(subscriber);
    // Nobody subscribes to what they could not query. A group's members get the same answer,
    // so its first read of the current value decides for all of them.
    let access: Result;
    try {
      access = await group.ready();
    } catch (error) {
      options.logger.error({ err: error }, "could not start a live subscription");
      leave(key, subscriber);
      subscriber.fail([new GraphQLError("Live updates are unavailable right now", { extensions: { code: "SERVICE_UNAVAILABLE" } })]);
      return;
    }
    if (!visible(access)) {
      subscriber.fail(access.errors?.length ? access.errors : [new GraphQLError("Not found, or not yours to watch", { extensions: { code: "FORBIDDEN" } })]);
    }
  }

  function leave(key: string, subscriber: Subscriber) {
    const group = groups.get(key);
    if (!group) return;
    group.subscribers.delete(subscriber);
    if (!group.subscribers.size) {
      groups.delete(key);
      group.stop();
    }
  }

  return {
    /** Closes every socket with 1001 (going away) after in-flight events are delivered. */
    async close() {
      // No new events in, then what is under way out, then the sockets.
      for (const group of groups.values()) group.stop();
      await Promise.all([...groups.values()].map((group) => group.drain()));
      await Promise.all([...groups.values()].flatMap((group) => [...group.subscribers].map((subscriber) => subscriber.flushed())));
      await new Promise((resolve) => setImmediate(resolve));
      for (const client of wss.clients) client.close(1001, "Server shutting down");
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
    groups: () => groups.size,
  };
}

interface GroupSpec {
  topic: string;
  lookup: DocumentNode;
  variables: Record<string, unknown>;
  identity: Identity;
  field: string;
}

/** Subscribers who get the same answer: one bus subscription, one execution per event. */
class Group {
  readonly subscribers = new Set<Subscriber>();
  private unsubscribe?: () => void;
  private inFlight: Promise<void> = Promise.resolve();
  private started?: Promise<Result>;
  private allowed = false;
  private stopped = false;

  constructor(
    private readonly spec: GroupSpec,
    private readonly options: SubscriptionServerOptions,
  ) {}

  /** Subscribes to the topic and reads the current value once, as this group's identity. */
  ready(): Promise<Result> {
    this.started ??= (async () => {
      const unsubscribe = await this.options.bus.subscribe(this.spec.topic, () => {
        // Events queue behind each other: each delivery reflects a state at least as new.
        this.inFlight = this.inFlight.then(() => this.deliver()).catch((error) => this.options.logger.error({ err: error }, "live update failed"));
      });
      // Everyone left while we were subscribing: let go at once.
      if (this.stopped) {
        unsubscribe();
        return { data: null };
      }
      this.unsubscribe = unsubscribe;
      const access = await execute(this.options, this.spec, this.spec.identity);
      this.allowed = visible(access);
      return access;
    })();
    // A failed start is not kept: the next subscriber tries again.
    this.started.catch(() => (this.started = undefined));
    return this.started;
  }

  private async deliver() {
    if (!this.allowed || !this.subscribers.size) return;
    const result = await execute(this.options, this.spec, this.spec.identity);
    this.options.executions.inc({ field: this.spec.field });
    if (!visible(result)) return;
    for (const subscriber of this.subscribers) subscriber.push(result);
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

/** One subscriber's stream: results queue until graphql-ws pulls them. */
class Subscriber implements AsyncIterableIterator<Result> {
  private readonly queue: Result[] = [];
  private waiting?: (value: IteratorResult<Result>) => void;
  private done = false;
  private expiry?: NodeJS.Timeout;

  constructor(
    readonly state: ConnectionState,
    private readonly onDone: () => void,
  ) {
    if (state.expiresAt) {
      const ms = Math.max(0, state.expiresAt - Date.now());
      // The subscription ends with an error when the token it was opened with expires.
      this.expiry = setTimeout(
        () => this.fail([new GraphQLError("Access token expired: subscribe again with a fresh one", { extensions: { code: "UNAUTHENTICATED", reason: "TOKEN_EXPIRED" } })]),
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

/**
 * A subscribe message's execution arguments, or what is wrong with its document as coded errors
 * (graphql-ws would send them uncoded, and close the socket with 4500 on a syntax error).
 */
function prepare(schema: GraphQLSchema, payload: { query: string; operationName?: string | null; variables?: Record<string, unknown> | null }) {
  const coded = (error: GraphQLError, code: string) =>
    new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, extensions: { code } });
  let document: DocumentNode;
  try {
    document = parse(payload.query);
  } catch (error) {
    return [coded(error as GraphQLError, "GRAPHQL_PARSE_FAILED")];
  }
  const errors = validate(schema, document);
  if (errors.length) return errors.map((error) => coded(error, "GRAPHQL_VALIDATION_FAILED"));
  if (!getOperationAST(document, payload.operationName)) {
    return [new GraphQLError("Name the operation to run in operationName", { extensions: { code: "OPERATION_RESOLUTION_FAILURE" } })];
  }
  return { schema, document, operationName: payload.operationName, variableValues: payload.variables };
}

/** subscription { alias: field(args) { … } } → query { alias: lookup(args) { … } }, keeping the response key. */
function toLookupQuery(document: DocumentNode, operation: OperationDefinitionNode, field: FieldNode, lookup: string): DocumentNode {
  const responseKey = field.alias?.value ?? field.name.value;
  return visit(document, {
    OperationDefinition(node) {
      if (node !== operation) return null;
      return { ...node, operation: "query" as never };
    },
    Field(node) {
      if (node !== field) return undefined;
      return { ...node, alias: { kind: Kind.NAME, value: responseKey }, name: { kind: Kind.NAME, value: lookup } };
    },
  });
}

async function execute(options: SubscriptionServerOptions, spec: GroupSpec, identity: Identity): Promise<Result> {
  const response = await options.apollo.executeOperation(
    { query: print(spec.lookup), variables: spec.variables },
    { contextValue: { identity, requestId: crypto.randomUUID(), log: options.logger } },
  );
  if (response.body.kind !== "single") return { errors: [new GraphQLError("Unexpected incremental result")] };
  // Formatted errors (message, path, extensions) become errors again: graphql-ws serialises them.
  const errors = response.body.singleResult.errors?.map(
    (error) => new GraphQLError(error.message, { path: error.path, extensions: error.extensions }),
  );
  return { data: response.body.singleResult.data as Record<string, unknown> | null, errors };
}

/** An answer worth sending: some data, and no refusal in it. */
function visible(result: Result): boolean {
  const refused = (result.errors ?? []).some((error) => ["FORBIDDEN", "UNAUTHENTICATED", "NOT_FOUND"].includes(String(error.extensions?.code)));
  return !refused && !!result.data && Object.values(result.data).some((value) => value !== null);
}

function refusal(message: string): Result {
  return { errors: [new GraphQLError(message, { extensions: { code: "BAD_REQUEST" } })] };
}

function scopesOf(identity: Identity): string {
  return identity.kind === "apiKey" ? [...identity.scopes].sort().join(",") : "";
}

function identityKey(identity: Identity): string {
  if (identity.kind === "anonymous") return "anonymous";
  return identity.kind === "user" ? `user:${identity.userId}:${identity.role}` : `key:${identity.apiKeyId}`;
}

function requireSchema(options: SubscriptionServerOptions) {
  const current = options.current();
  if (!current) throw new GraphQLError("The gateway is still loading its schema", { extensions: { code: "SERVICE_UNAVAILABLE" } });
  return current;
}

/** The exp claim of an already verified bearer JWT, in ms. */
function tokenExpiry(authorization: string | undefined): number | undefined {
  const token = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (!token || token.startsWith("solo_")) return undefined;
  try {
    const exp = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()).exp;
    return typeof exp === "number" ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

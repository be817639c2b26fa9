import type http from "node:http";
import type { ApolloServer } from "@apollo/server";
import type { EventBus, Identity, Logger } from "@solo/kit";
import { clientExtensions, subscriptionTopic } from "@solo/kit";
import type { ExecutionArgs, GraphQLFormattedError, GraphQLSchema, ValidationRule } from "graphql";
import { GraphQLError, print } from "graphql";
import type { SubscribePayload, Context as SocketContext } from "graphql-ws";
import type { Counter } from "prom-client";
import { WebSocket } from "ws";
import type { Credentials } from "./authenticate";
import type { GatewayContext } from "./context";
import { serveGraphqlWs } from "./graphql-ws-server";
import { tokenLimitError } from "./limits";
import type { GroupSpec } from "./live-groups";
import { Group, Subscriber, judge } from "./live-groups";
import type { LiveField } from "./live-fields";
import { ValidatedDocuments, planSubscription } from "./subscribe-request";
import { UnauthenticatedSockets } from "./unauthenticated-sockets";

export interface SubscriptionServerOptions {
  server: http.Server;
  apollo: ApolloServer<GatewayContext>;
  bus: EventBus;
  logger: Logger;
  executions: Counter<"field">;
  current: () => { schema: GraphQLSchema; liveFields: Map<string, LiveField> } | undefined;
  authenticate: (credentials: Credentials) => Promise<Identity>;
  /** The client address of a request, as `req.ip` gives it over HTTP. */
  clientIp: (request: http.IncomingMessage) => string;
  /** Counts one request for whoever made it, in the HTTP path's buckets; throws RATE_LIMITED. */
  rateLimit: (identity: Identity, ip: string) => Promise<void>;
  /** Counts a failed sign-in against the caller's IP (the HTTP path's limit); throws when over it. */
  onFailedAuthentication?: (ip: string) => Promise<void>;
  limits: {
    /** The HTTP path's depth, alias and cost rules. */
    rules: readonly ValidationRule[];
    maxTokens: number;
    maxMessageBytes: number;
    maxSubscriptionsPerConnection: number;
    maxUnauthenticatedSocketsPerIp: number;
  };
  /** The HTTP path's error formatting (codes kept, internals and, in production, suggestions dropped). */
  formatError: (error: GraphQLFormattedError) => GraphQLFormattedError;
  keepAliveMs?: number;
  /** How often a connection's credentials are checked again (logout, revocation, role change). */
  reauthenticateMs?: number;
  /**
   * The subscribe's document as the caller may run it: a trusted document's text for its hash,
   * or why not (the HTTP path's trusted-document and variant rules).
   */
  admitDocument?: (payload: SubscribePayload, identity: Identity) => Promise<SubscribePayload | readonly GraphQLError[]>;
  /** Whether an upgrade's Origin may open a socket; others get HTTP 403. */
  acceptsOrigin?: (request: http.IncomingMessage) => boolean;
  /** Valid subscription documents kept per schema (DOCUMENT_CACHE_ENTRIES, as for HTTP's parsed documents). */
  documentCacheEntries: number;
}

interface ConnectionState {
  identity: Identity;
  /** When the access token the connection signed in with expires (API keys: never). */
  expiresAt?: number;
}

interface SocketExtra {
  socket: WebSocket;
  ip: string;
  /** Stops counting this socket among its IP's unauthenticated ones. */
  uncount: () => void;
  state?: ConnectionState;
}

/** Sockets of one IP over the cap wait this long: one that never signs in is closed after 3 s. */
const UNAUTHENTICATED_RETRY_AFTER_SECONDS = 5;

/**
 * graphql-ws on the gateway's /graphql, beside HTTP. A subscription listens on its field's topic
 * (from the field and its arguments, as the subgraph publishes), and on each event the gateway runs
 * the subscriber's selection through the field's lookup query, as the subscriber: fields from every
 * subgraph resolve as in queries, and nobody receives what they could not query. Subscribers who
 * would get the same answer share one execution per event.
 *
 * Every subscribe is checked as an HTTP request is (token, depth, alias and cost limits, the same
 * rate-limit buckets) before it starts, and a refusal is an `error` message for that id alone.
 */
export function attachSubscriptions(options: SubscriptionServerOptions) {
  const { limits } = options;
  const groups = new Map<string, Group>();
  const unauthenticated = new UnauthenticatedSockets(limits.maxUnauthenticatedSocketsPerIp);
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
  const format = (error: GraphQLError) => options.formatError({ ...error.toJSON(), extensions: clientExtensions(error) });

  const validated = new ValidatedDocuments(options.documentCacheEntries);
  const transport = serveGraphqlWs<Record<string, unknown>, SocketExtra>(
    {
      server: options.server,
      path: "/graphql",
      maxMessageBytes: limits.maxMessageBytes,
      keepAliveMs: options.keepAliveMs ?? 12_000,
      logger: options.logger,
      // The one gate for every upgrade (admission rules such as an Origin check belong here).
      admit: (request) => {
        if (options.acceptsOrigin?.(request) === false) return { status: 403, message: "Origin not allowed" };
        if (!unauthenticated.full(options.clientIp(request))) return undefined;
        return {
          status: 429,
          message: "Too many sockets from this address that have not signed in",
          headers: { "Retry-After": String(UNAUTHENTICATED_RETRY_AFTER_SECONDS) },
        };
      },
      extra: (socket, request) => {
        const ip = options.clientIp(request);
        const uncount = unauthenticated.add(ip);
        socket.once("close", uncount);
        return { socket, ip, uncount };
      },
    },
    {
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
            await options.onFailedAuthentication?.(ctx.extra.ip).catch(() => undefined);
            ctx.extra.socket.close(4401, "Unauthorized");
          }
          return false;
        }
        // Live updates are reads: an API key without any read scope may not open a socket (4403).
        if (identity.kind === "apiKey" && !identity.scopes.some((scope) => scope.endsWith(":read"))) return false;
        // Closed while its credentials were being checked: no close event is left to stop the
        // rechecks started below.
        const { socket } = ctx.extra;
        if (socket.readyState !== WebSocket.OPEN) return false;
        if (identity.kind !== "anonymous") ctx.extra.uncount();
        const state: ConnectionState = { identity, expiresAt: tokenExpiry(credentials.authorization) };
        // Each event is, in effect, a new request: a logout, a revoked key or a changed role must
        // end the connection too, not only the next HTTP call.
        const check = async () => {
          const now = await recheck(credentials);
          if (now instanceof Error) {
            if (now instanceof GraphQLError && now.extensions?.code === "SERVICE_UNAVAILABLE") return;
            socket.close(4401, "Unauthorized");
          } else if (identityKey(now) !== identityKey(identity) || scopesOf(now) !== scopesOf(identity)) {
            socket.close(4403, "Your access changed: reconnect");
          }
        };
        // Spread over the interval, so sockets opened together are not all checked at once.
        let rechecks = setTimeout(
          () => {
            void check();
            rechecks = setInterval(() => void check(), interval).unref();
          },
          Math.floor(Math.random() * interval),
        ).unref();
        // Node's clearTimeout clears intervals too.
        socket.once("close", () => clearTimeout(rechecks));
        ctx.extra.state = state;
        return true;
      },
      onSubscribe: async (ctx, _id, payload) => {
        // graphql-ws lists this one already, with those open or still starting; checked before
        // anything is awaited, so subscribes sent together cannot all slip under the cap.
        if (Object.keys(ctx.subscriptions).length > limits.maxSubscriptionsPerConnection) {
          return [
            new GraphQLError(`At most ${limits.maxSubscriptionsPerConnection} subscriptions per connection: complete one first, or open another connection`, {
              extensions: { code: "BAD_REQUEST", limit: "MAX_SUBSCRIPTIONS_PER_CONNECTION" },
            }),
          ];
        }
        try {
          return await start(ctx, payload);
        } catch (error) {
          options.logger.error({ err: error }, "could not start a live subscription");
          return [unavailable()];
        }
      },
      // onSubscribe hands over the subscriber it started, as the context value.
      subscribe: (args: ExecutionArgs) => args.contextValue as Subscriber,
      onError: (_ctx, _id, _payload, errors) => errors.map(format),
    },
  );

  /** Every check of one subscribe, then its first read: the subscriber it started, or why not. */
  async function start(ctx: SocketContext<Record<string, unknown>, SocketExtra>, sent: SubscribePayload) {
    const state = ctx.extra.state!; // graphql-ws takes no subscribe before connection_init succeeded
    const current = options.current();
    if (!current) return [unavailable("The gateway is still loading its schema")];
    const admitted = options.admitDocument ? await options.admitDocument(sent, state.identity) : sent;
    if (isErrorList(admitted)) return admitted;
    const payload = admitted;
    const tooLarge = tokenLimitError(payload.query, limits.maxTokens);
    if (tooLarge) return [tooLarge];
    // A subscribe is a request: it draws from the same bucket as the caller's HTTP requests.
    try {
      await options.rateLimit(state.identity, ctx.extra.ip);
    } catch (error) {
      if (error instanceof GraphQLError) return [error];
      throw error;
    }
    const plan = planSubscription(payload, current.schema, current.liveFields, limits.rules, validated);
    if (Array.isArray(plan)) return plan;

    // A topic of the subscriber's own is keyed by their account: nobody listens on another's.
    if (plan.live.topicKey === "owner") {
      if (state.identity.kind === "anonymous") return [new GraphQLError("Sign in to follow your own changes", { extensions: { code: "UNAUTHENTICATED" } })];
      plan.topic = subscriptionTopic(plan.field, { ...plan.args, owner: state.identity.userId });
    }
    // Only people share "signed-in" groups: an API key's access also depends on its scopes.
    const audience = plan.live.audience === "signed-in" && state.identity.kind === "user" ? "signed-in" : identityKey(state.identity);
    const key = `${plan.topic}|${audience}|${print(plan.lookup)}|${JSON.stringify(plan.variables)}`;
    const subscriber: Subscriber = new Subscriber(state, () => leave(key, subscriber));
    const spec = {
      topic: plan.topic,
      lookup: plan.lookup,
      variables: plan.variables,
      identity: state.identity,
      field: plan.field,
      emptyMeansWaiting: plan.live.emptyMeansWaiting ?? false,
    };
    const refusal = await join(key, spec, subscriber);
    if (refusal) {
      await subscriber.return();
      return refusal;
    }
    return { schema: current.schema, document: plan.document, operationName: payload.operationName, variableValues: plan.variables, contextValue: subscriber };
  }

  /**
   * Adds the subscriber to its group, listening first and then reading, so no event falls between.
   * Nobody subscribes to what they could not query: a group's members get the same answer, so its
   * first read decides for all of them. Returns the errors of a refusal.
   */
  async function join(key: string, spec: GroupSpec, subscriber: Subscriber): Promise<readonly GraphQLError[] | undefined> {
    let group = groups.get(key);
    if (!group) {
      group = new Group(spec, options);
      groups.set(key, group);
    }
    group.subscribers.add(subscriber);
    let access;
    try {
      access = await group.ready();
    } catch (error) {
      options.logger.error({ err: error }, "could not start a live subscription");
      return [unavailable()];
    }
    const verdict = judge(access, spec.emptyMeansWaiting);
    if (verdict.visible) return undefined;
    return verdict.refused ?? [unavailable()];
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
    /** Moves the clients on: their sockets closed with 1001, evenly over `overMs` (see closeGradually). */
    moveClients: (overMs: number) => transport.closeGradually(overMs),
    /** Closes every socket with 1001 (going away) after in-flight events are delivered. */
    async close() {
      // No new events in, then what is under way out, then the sockets.
      for (const group of groups.values()) group.stop();
      await Promise.all([...groups.values()].map((group) => group.drain()));
      await Promise.all([...groups.values()].flatMap((group) => [...group.subscribers].map((subscriber) => subscriber.flushed())));
      await new Promise((resolve) => setImmediate(resolve));
      await transport.close();
    },
    groups: () => groups.size,
  };
}

function isErrorList(value: SubscribePayload | readonly GraphQLError[]): value is readonly GraphQLError[] {
  return Array.isArray(value);
}

function unavailable(message = "Live updates are unavailable right now") {
  return new GraphQLError(message, { extensions: { code: "SERVICE_UNAVAILABLE" } });
}

function scopesOf(identity: Identity): string {
  return identity.kind === "apiKey" ? [...identity.scopes].sort().join(",") : "";
}

function identityKey(identity: Identity): string {
  if (identity.kind === "anonymous") return "anonymous";
  return identity.kind === "user" ? `user:${identity.userId}:${identity.role}` : `key:${identity.apiKeyId}`;
}

/** The exp claim of an already verified bearer JWT, in ms. */
function tokenExpiry(authorization: string | undefined): number | undefined {
  const token = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (!token || token.startsWith("solo_")) return undefined;
  try {
    const { exp } = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()) as { exp?: unknown };
    return typeof exp === "number" ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

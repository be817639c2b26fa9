import type { GraphQLResolverMap } from "@apollo/subgraph";
import type { EntityClass } from "@mikro-orm/core";
import type { EntityManager } from "@mikro-orm/postgresql";
import type { BuildSchemaOptions } from "type-graphql";
import type { Clock } from "./clock";
import type { Env } from "./config";
import type { Identity } from "./identity";
import type { InternalRouteDeclaration } from "./internal-api";
import type { LivePublisher } from "./live-topics";
import type { Logger } from "./logger";
import type { Orm } from "./orm";
import type { ObjectStorage } from "./storage";

/** Where the other subgraphs answer, asked at each call: in a test's process they start after this one. */
export interface Peers {
  /** The GraphQL URL of subgraph `name` (its /internal routes are beside it), or undefined when unknown. */
  url(name: string): string | undefined;
}

/** What the kit gives a subgraph's process-level services when it builds them, once per process. */
export interface SubgraphRuntime<Settings> {
  name: string;
  /** The descriptor's settings as read from the environment, with a test's overrides over them. */
  settings: Settings;
  clock: Clock;
  logger: Logger;
  orm: Orm;
  peers: Peers;
  /** Publishes "look again" on the event bus, to the topics the descriptor lists in `liveTopics` only. */
  live: LivePublisher;
  /**
   * Publishes `payload` on an internal topic the descriptor lists in `announces` (not a
   * subscription: what gateways must hear, such as credential changes), after the change is
   * committed. A failed publish is logged and never undoes the change.
   */
  announce: (topic: string, payload: Record<string, unknown>) => Promise<void>;
  /**
   * `ctx.changed` for work outside a request (jobs, workers): after the commit, every gateway
   * evicts the cached answers that read one of these tags. Needs `announcesChanges` (or another
   * reason to be on the bus); without a bus nobody hears it.
   */
  changed(...tags: string[]): Promise<void>;
  /** An object-storage client (the S3_* settings), checked by /ready and closed with the process. */
  openStorage(): ObjectStorage;
  /** Called at shutdown, after the jobs stop and before the database closes (a mail transport, …). */
  onClose(release: () => Promise<void> | void): void;
}

/** A resolver class: type-graphql constructs it once per process, given the subgraph's services. */
export type ResolverClass<Services> = new (services: Services) => object;

export interface SubgraphJob<Settings, Services> {
  /** Unique in its subgraph; tests run it with `runJobNow(name)`. */
  name: string;
  /** Its interval in ms, from the settings (0: it runs only when woken, or by `runJobNow`). */
  every(settings: Settings): number;
  /** Also run once as the process starts (work left over from before a restart). */
  runAtStart?: boolean;
  /**
   * Outbox entities whose rows are this job's work: a commit that wrote one wakes the job right
   * after it, so nobody (no resolver) has to.
   */
  wokenBy?: readonly EntityClass<unknown>[];
  run(services: Services, runtime: SubgraphRuntime<Settings>): Promise<unknown>;
}

/** What a worker's run is given. */
export interface WorkerContext<Settings, Services> {
  services: Services;
  runtime: SubgraphRuntime<Settings>;
  /** Aborted at SIGTERM (or stop()): finish or abandon the item in hand, then return. */
  signal: AbortSignal;
  /** Unique per running worker process (`${hostname}:${pid}:${random}`), for claims and logs. */
  workerId: string;
}

/**
 * A loop that runs in processes of its own: `npm start` starts `replicas` of them beside the
 * subgraph. Unlike a job (a tick in the subgraph's process), it owns its process: it may block on
 * a queue, hold a connection, or work at a pace of its own without slowing requests.
 */
export interface SubgraphWorker<Settings, Services> {
  /** Unique in its subgraph; `node packages/kit/dist/src/work.js <subgraph> <worker>` runs one. */
  name: string;
  /** How many processes `npm start` runs (default 1). Replicas run at once: claim work, never assume it is yours alone. */
  replicas?(settings: Settings): number;
  /** Runs until context.signal aborts, then resolves. A throw ends the process with exit code 1 (the supervisor restarts it). */
  run(context: WorkerContext<Settings, Services>): Promise<void>;
}

/** A POST from another platform service: its body (checked against the route's schema), and who it acts for. */
export interface InternalRequest<Body = unknown> {
  body: Body;
  /** A fresh EntityManager for this request. */
  em: EntityManager;
  /** The identity the calling service forwarded (signed as the gateway signs it), anonymous without one. */
  actingFor: () => Promise<Identity>;
}

export interface InternalReply {
  status: number;
  body: unknown;
}

/**
 * A route other services call (not part of the graph): only callers holding the internal secret
 * reach it. Made by `implement(declaration, handler)`, from a declaration made by `defineInternalRoute`.
 */
export interface InternalRoute<Services> {
  declaration: InternalRouteDeclaration;
  /** Checks the body, runs the handler, checks its answer. */
  handle(request: InternalRequest, services: Services): Promise<InternalReply>;
}

/** This subgraph's share of the demo (`npm run seed`), loaded in rover.yaml order. */
export interface DemoPart {
  /** Whether it is in the database already. */
  isLoaded(em: EntityManager): Promise<boolean>;
  /**
   * Writes it. `earlier` holds what the parts of the subgraphs before this one returned, by
   * subgraph name (the ids this part refers to); what this one returns is passed on the same way.
   */
  load(em: EntityManager, earlier: Readonly<Record<string, unknown>>, log: (line: string) => void): Promise<Record<string, unknown>>;
  /** The accounts it creates that a person signs in with, which `npm start` lists once the demo is there. */
  logins?: readonly DemoLogin[];
}

export interface DemoLogin {
  role: string;
  /** An address, or a range of them (`student001@demo.solo … student200@demo.solo`). */
  email: string;
  password: string;
}

/** Everything the kit needs to run, compose, migrate and seed one subgraph. */
export interface SubgraphDescriptor<Settings extends object = object, Services = unknown, Loaders = unknown> {
  /** As in rover.yaml. */
  name: string;
  /** The Postgres schema it owns; no subgraph reads another's. */
  schema: string;
  entities: readonly EntityClass<unknown>[];
  /** Folder of its compiled migrations (dist/migrations). */
  migrations: string;
  resolvers: readonly ResolverClass<Services>[];
  /** Types no resolver returns that the schema must still have (entities other subgraphs extend). */
  orphanedTypes?: NonNullable<BuildSchemaOptions["orphanedTypes"]>;
  /** `{ User: { __resolveReference } }`. */
  referenceResolvers?: GraphQLResolverMap<unknown>;
  /** Reads its settings from the environment (the one place it does). */
  settings?(env: Env): Settings;
  /** Builds the process-level services resolvers, jobs and internal routes are given. */
  services?(runtime: SubgraphRuntime<Settings>): Services | Promise<Services>;
  /** Per-request DataLoaders, on the request's EntityManager. */
  loaders?(em: EntityManager): Loaders;
  internalRoutes?: readonly InternalRoute<Services>[];
  jobs?: readonly SubgraphJob<Settings, Services>[];
  /** Long-running loops in processes of their own (`npm start` runs them beside the subgraph's). */
  workers?: readonly SubgraphWorker<Settings, Services>[];
  /** Subscription fields whose topics it publishes (the kit then connects it to the event bus). */
  liveTopics?: readonly string[];
  /** Internal topics it announces on the event bus for gateways (the kit then connects it to the bus). */
  announces?: readonly string[];
  /**
   * Its answers name what they read (`ctx.reads`) and its mutations what they changed
   * (`ctx.changed`), so gateways may cache them: the kit connects it to the bus the changes go on.
   */
  announcesChanges?: boolean;
  /**
   * It queues audit events (the kit's AuditOutboxEntry, among its entities) and the kit relays them
   * to this subgraph's /internal/audit-events, where the audit log lives.
   */
  auditOutbox?: { deliverTo: string };
  /** Readiness beyond its database (object storage, …): each throws when not ready. */
  ready?: readonly ((services: Services) => Promise<void>)[];
  demo?: DemoPart;
}

const DESCRIPTOR = Symbol.for("solo.subgraph-descriptor");

/**
 * A subgraph, declared: `export default defineSubgraph({ name, schema, entities, … })` in
 * `subgraphs/<name>/src/subgraph.ts`. The kit's `runSubgraph` runs it; `npm start`, compose,
 * migrations and seeding find it from rover.yaml.
 */
export function defineSubgraph<Settings extends object = object, Services = Record<string, never>, Loaders = Record<string, never>>(
  descriptor: SubgraphDescriptor<Settings, Services, Loaders>,
): SubgraphDescriptor<Settings, Services, Loaders> {
  for (const [kind, list] of [
    ["jobs", descriptor.jobs],
    ["workers", descriptor.workers],
  ] as const) {
    const names = (list ?? []).map((entry) => entry.name);
    const repeated = names.find((name, index) => names.indexOf(name) !== index);
    if (repeated) throw new Error(`${descriptor.name}: two ${kind} are named ${repeated}`);
  }
  return Object.assign(descriptor, { [DESCRIPTOR]: true });
}

/**
 * A descriptor whatever its settings, services and loaders, for code that handles any of them
 * (loading, composing, listing jobs): its type parameters appear in and out, so `unknown` would not do.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type AnySubgraphDescriptor = SubgraphDescriptor<any, any, any>;

export function isSubgraphDescriptor(value: unknown): value is SubgraphDescriptor {
  return typeof value === "object" && value !== null && DESCRIPTOR in value;
}

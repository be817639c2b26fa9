import crypto from "node:crypto";
import os from "node:os";
import type { EntityClass } from "@mikro-orm/core";
import type { GraphQLSchema } from "graphql";
import type { ContainerType } from "type-graphql";
import { AUDIT_RELAY_JOB, AuditOutboxEntry, auditRelayJob } from "./audit-outbox";
import type { Clock } from "./clock";
import { systemClock } from "./clock";
import type { Env } from "./config";
import { databaseUrl, envInt, envString } from "./config";
import type { AnySubgraphDescriptor, Peers, ResolverClass, SubgraphDescriptor, SubgraphJob, SubgraphRuntime } from "./descriptor";
import type { EventBus } from "./event-bus";
import { createEventBus } from "./event-bus";
import type { SubgraphSchemaOptions } from "./federation";
import { buildFederatedSchema } from "./federation";
import type { RunningService } from "./http";
import { subgraphUrl, subgraphUrlVariable } from "./internal-http";
import { mountInternalRoutes } from "./internal-routes";
import { migrateOnStart } from "./migration-gate";
import type { PeriodicJob } from "./jobs";
import { startPeriodicJob } from "./jobs";
import { subgraphLimitsFromEnv } from "./limits";
import { announcer, changeAnnouncer, livePublisher } from "./live-topics";
import { wellFormedTags } from "./cache-hints";
import type { Logger } from "./logger";
import { createLogger } from "./logger";
import type { Orm } from "./orm";
import { POOL_MAX, openDatabase } from "./orm";
import { OutboxWakeUp } from "./outbox-wake";
import type { StorageConfig } from "./storage";
import { ObjectStorage, storageConfigFromEnv } from "./storage";
import { startSubgraphServer } from "./subgraph";

/** What a test (or the process entry point) may set when it runs a subgraph; the rest comes from the environment. */
export interface SubgraphOverrides<Settings extends object = Record<string, unknown>> {
  /** 0 (the default): any free port. */
  port?: number;
  host?: string;
  /** DATABASE_URL by default. */
  databaseUrl?: string;
  logger?: Logger;
  /** Variables over the process environment for this subgraph alone (its settings read them), e.g. SMTP_URL. */
  env?: Env;
  /** Over the settings read from the environment; a name the subgraph has no setting of is refused. */
  settings?: Partial<Settings>;
  /** What deadlines, expiries and windows read the time from (a ManualClock in tests). */
  clock?: Clock;
  /** The object store, over the S3_* variables. */
  storage?: StorageConfig;
  /** The bus live topics go to (not closed with the subgraph); one of its own from the environment otherwise. */
  eventBus?: EventBus;
  /** Where the other subgraphs are; SUBGRAPH_URL_<NAME> otherwise. */
  peers?: Peers;
  /** Intervals by job name over the jobs' settings (0: only when woken or run with runJobNow). */
  jobIntervalsMs?: Record<string, number>;
}

export interface RunningSubgraph<Services = unknown> extends RunningService {
  name: string;
  /** Its ORM (tests count its SQL statements). */
  orm: Orm;
  services: Services;
  /** One run of job `name` now, or the run in progress (tests, instead of waiting for a tick). */
  runJobNow: (name: string) => Promise<void>;
  /** Runs every job an outbox wakes until none is running: what requests queued has gone out. */
  settle: () => Promise<void>;
}

/** Every job a subgraph runs, the kit's audit relay included. */
export function jobNames(descriptor: AnySubgraphDescriptor): string[] {
  return [...(descriptor.jobs ?? []).map((job) => job.name), ...(descriptor.auditOutbox ? [AUDIT_RELAY_JOB] : [])];
}

/**
 * Runs one subgraph: opens its schema and applies its migrations, builds its services, starts its
 * jobs (the audit relay among them when it queues audit events), connects it to the event bus when
 * it publishes live topics or announcements, and serves /graphql, its internal routes, /health, /ready and /metrics.
 * `close()` stops accepting, finishes in-flight requests and job runs, then releases everything.
 */
export async function runSubgraph<Settings extends object, Services, Loaders>(
  descriptor: SubgraphDescriptor<Settings, Services, Loaders>,
  overrides: SubgraphOverrides<Settings> = {},
): Promise<RunningSubgraph<Services>> {
  const { name } = descriptor;
  const { env, runtime, services, release, announceChanges } = await openSubgraphProcess(descriptor, overrides, overrides.logger ?? createLogger(name));
  const { orm, logger, peers } = runtime;
  let jobs: RunningJobs | undefined;
  try {
    const auditRelay = descriptor.auditOutbox && {
      ...descriptor.auditOutbox,
      intervalMs: envInt("AUDIT_RELAY_INTERVAL_MS", 2_000, env),
    };
    if (auditRelay && !peers.url(auditRelay.deliverTo)) {
      logger.error(`${subgraphUrlVariable(auditRelay.deliverTo)} is not set: audit events queue up in ${descriptor.schema}.audit_outbox until it is`);
    }
    const jobList: SubgraphJob<Settings, Services>[] = [
      ...(descriptor.jobs ?? []),
      ...(auditRelay
        ? [auditRelayJob({ service: name, schema: descriptor.schema, deliverTo: () => peers.url(auditRelay.deliverTo), orm, logger, intervalMs: auditRelay.intervalMs })]
        : []),
    ];
    jobs = startJobs(jobList, runtime, services, overrides.jobIntervalsMs ?? {});
    orm.em.getEventManager().registerSubscriber(new OutboxWakeUp(jobs.wakes));
    const running = jobs;
    const server = await startSubgraphServer({
      name,
      limits: subgraphLimitsFromEnv(env),
      announceChanges,
      port: overrides.port ?? 0,
      host: overrides.host,
      schema: await subgraphSchema(descriptor, services),
      orm,
      logger,
      createLoaders: (em) => (descriptor.loaders ? descriptor.loaders(em) : ({} as Loaders)),
      routes: (app) => mountInternalRoutes(app, descriptor.internalRoutes ?? [], () => orm.em.fork(), services),
      ready: async () => {
        for (const check of descriptor.ready ?? []) await check(services);
      },
      beforeClose: async () => {
        await running.stop();
        await release();
      },
    });
    return { ...server, name, services, runJobNow: running.runNow, settle: running.settle };
  } catch (error) {
    await jobs?.stop();
    await release();
    await orm.close();
    throw error;
  }
}

export interface RunningWorker<Services = unknown> {
  name: string;
  workerId: string;
  services: Services;
  orm: Orm;
  /** The run's end: resolves when it returns, rejects with what it threw. */
  done: Promise<void>;
  /** Aborts the run's signal, awaits the run, then releases everything (rejects with what the run threw). */
  stop: () => Promise<void>;
}

/**
 * Runs worker `workerName` of a subgraph in this process: the database (its migrations applied),
 * the runtime and services the subgraph's own process builds, and then the worker's run. No jobs,
 * no HTTP: those are the subgraph process's.
 */
export async function runWorker<Settings extends object, Services>(
  descriptor: SubgraphDescriptor<Settings, Services, unknown>,
  workerName: string,
  overrides: Omit<SubgraphOverrides<Settings>, "port" | "host" | "jobIntervalsMs"> = {},
): Promise<RunningWorker<Services>> {
  const workers = descriptor.workers ?? [];
  const worker = workers.find((candidate) => candidate.name === workerName);
  if (!worker) throw new Error(`${descriptor.name} has no worker ${workerName} (it has: ${workers.map((known) => known.name).join(", ") || "none"})`);
  const workerId = `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString("hex")}`;
  const logger = (overrides.logger ?? createLogger(descriptor.name)).child({ worker: worker.name, workerId });
  const { runtime, services, release } = await openSubgraphProcess(descriptor, overrides, logger);
  const aborter = new AbortController();
  // Through a promise, so a run that throws before its first await rejects `done` like any other.
  const done = Promise.resolve().then(() => worker.run({ services, runtime, signal: aborter.signal, workerId }));
  done.catch(() => undefined); // its owner awaits it (or stop()); an unobserved throw must not end the process first
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      aborter.abort();
      try {
        await done;
      } finally {
        await release();
        await runtime.orm.close();
      }
    })());
  return { name: worker.name, workerId, services, orm: runtime.orm, done, stop };
}

/** What a subgraph's process and each of its worker processes open alike. */
interface SubgraphProcess<Settings, Services> {
  /** The process environment with the overrides' variables over it. */
  env: Env;
  runtime: SubgraphRuntime<Settings>;
  services: Services;
  /** Releases what the runtime opened (event bus, storage, onClose steps), last first; not the database. */
  release: () => Promise<void>;
  /** Where `ctx.changed` announces (the bus), when the subgraph is connected to one. */
  announceChanges?: (tags: string[]) => Promise<void>;
}

/**
 * Opens the subgraph's database (applying its migrations), connects it to the event bus when it
 * publishes live topics or announcements, and builds its runtime and services. On a failure, whatever it opened is
 * released before the error is thrown on.
 */
async function openSubgraphProcess<Settings extends object, Services>(
  descriptor: SubgraphDescriptor<Settings, Services, unknown>,
  overrides: SubgraphOverrides<Settings>,
  logger: Logger,
): Promise<SubgraphProcess<Settings, Services>> {
  const { name } = descriptor;
  const env: Env = { ...process.env, ...overrides.env };
  const settings = settingsOf(descriptor, env, overrides.settings);
  const peers = overrides.peers ?? { url: (peer: string) => subgraphUrl(peer, env) };
  const clientUrl = overrides.databaseUrl ?? databaseUrl(env);
  if (descriptor.auditOutbox && !descriptor.entities.includes(AuditOutboxEntry)) {
    throw new Error(`${name} queues audit events: AuditOutboxEntry must be among its entities`);
  }
  const releases: (() => Promise<void> | void)[] = [];
  const release = async () => {
    for (const step of releases.splice(0).reverse()) await step();
  };
  const orm = await openDatabase({
    schema: descriptor.schema,
    entities: [...descriptor.entities],
    migrationsPath: descriptor.migrations,
    clientUrl,
    logger,
    migrate: migrateOnStart(env),
    poolMax: envInt("DATABASE_POOL_MAX", POOL_MAX, env),
  });
  try {
    let bus = overrides.eventBus;
    if ((descriptor.liveTopics?.length || descriptor.announces?.length || descriptor.announcesChanges) && !bus) {
      // Redis pub/sub when REDIS_URL is set, Postgres LISTEN/NOTIFY otherwise.
      const own = await createEventBus({ redisUrl: env.REDIS_URL || undefined, databaseUrl: clientUrl, logger, namespace: envString("EVENT_BUS_NAMESPACE", "", env) });
      releases.push(() => own.close());
      bus = own;
    }
    const announceChanges = changeAnnouncer(bus, logger);
    const runtime: SubgraphRuntime<Settings> = {
      name,
      settings,
      clock: overrides.clock ?? systemClock,
      logger,
      orm,
      peers,
      live: livePublisher(descriptor.liveTopics ?? [], bus, logger),
      announce: announcer(descriptor.announces ?? [], bus, logger),
      changed: async (...named) => {
        const tags = wellFormedTags(named, logger);
        if (tags.length) await announceChanges?.(tags);
      },
      openStorage() {
        const storage = new ObjectStorage(overrides.storage ?? storageConfigFromEnv(env));
        releases.push(() => storage.destroy());
        return storage;
      },
      onClose(step) {
        releases.push(step);
      },
    };
    const services = descriptor.services ? await descriptor.services(runtime) : ({} as Services);
    return { env, runtime, services, release, announceChanges };
  } catch (error) {
    await release();
    await orm.close();
    throw error;
  }
}

/**
 * The subgraph's federated schema. With `services`, resolver classes are constructed once each,
 * given them (type-graphql's `container`); without, for its SDL only (composition), none is.
 *
 * Why a container rather than `ctx.services`: the request context stays one kit type, generic only
 * in its loaders, and holds what belongs to the request; what belongs to the process (settings,
 * clock, storage, mail, peers, the live publisher) reaches a resolver once, typed, through its
 * constructor, and the resolver passes each helper the one service it needs. Each schema has a
 * container of its own, so a test that runs two replicas of a subgraph in one process gives each
 * its own services.
 */
export function subgraphSchema<Services>(
  descriptor: Pick<SubgraphDescriptor<object, Services>, "resolvers" | "orphanedTypes" | "referenceResolvers">,
  services?: Services,
): Promise<GraphQLSchema> {
  return buildFederatedSchema({
    resolvers: descriptor.resolvers as unknown as SubgraphSchemaOptions["resolvers"],
    orphanedTypes: descriptor.orphanedTypes ? [...descriptor.orphanedTypes] : undefined,
    referenceResolvers: descriptor.referenceResolvers,
    container: services === undefined ? undefined : resolverContainer(services),
  });
}

function resolverContainer<Services>(services: Services): ContainerType {
  const instances = new Map<ResolverClass<Services>, object>();
  return {
    get(resolverClass: ResolverClass<Services>) {
      let instance = instances.get(resolverClass);
      if (!instance) instances.set(resolverClass, (instance = new resolverClass(services)));
      return instance;
    },
  };
}

function settingsOf<Settings extends object>(descriptor: Pick<SubgraphDescriptor<Settings>, "name" | "settings">, env: Env, overrides: Partial<Settings> = {}): Settings {
  const fromEnv = descriptor.settings ? descriptor.settings(env) : ({} as Settings);
  for (const key of Object.keys(overrides)) {
    if (!(key in fromEnv)) throw new Error(`${descriptor.name} has no setting "${key}" (it has: ${Object.keys(fromEnv).join(", ") || "none"})`);
  }
  return { ...fromEnv, ...overrides };
}

interface RunningJobs {
  /** Each outbox entity, and the wake-ups of the jobs it wakes. */
  wakes: Map<EntityClass<unknown>, (() => void)[]>;
  runNow: (name: string) => Promise<void>;
  settle: () => Promise<void>;
  stop: () => Promise<void>;
}

function startJobs<Settings extends object, Services>(
  jobs: SubgraphJob<Settings, Services>[],
  runtime: SubgraphRuntime<Settings>,
  services: Services,
  intervals: Record<string, number>,
): RunningJobs {
  const unknown = Object.keys(intervals).filter((name) => !jobs.some((job) => job.name === name));
  if (unknown.length) throw new Error(`${runtime.name} has no job ${unknown.join(", ")} (it has: ${jobs.map((job) => job.name).join(", ") || "none"})`);
  const started = new Map<string, PeriodicJob>();
  const wakes = new Map<EntityClass<unknown>, (() => void)[]>();
  for (const job of jobs) {
    const periodic = startPeriodicJob({
      name: job.name,
      intervalMs: intervals[job.name] ?? job.every(runtime.settings),
      logger: runtime.logger,
      run: () => job.run(services, runtime),
    });
    started.set(job.name, periodic);
    for (const entity of job.wokenBy ?? []) wakes.set(entity, [...(wakes.get(entity) ?? []), periodic.wake]);
    if (job.runAtStart) void periodic.runNow();
  }
  return {
    wakes,
    runNow(name) {
      const job = started.get(name);
      if (!job) return Promise.reject(new Error(`${runtime.name} has no job ${name} (it has: ${[...started.keys()].join(", ")})`));
      return job.runNow();
    },
    async settle() {
      for (const job of jobs) if (job.wokenBy?.length) await started.get(job.name)!.runNow();
    },
    async stop() {
      for (const job of started.values()) await job.stop();
    },
  };
}

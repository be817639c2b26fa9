import crypto from "node:crypto";
import { readSubgraphs, subgraphUrlVariable } from "@solo/kit";
import { SHUTDOWN_DELAY_MS } from "@solo/tools/dist/src/k8s-objects";
import { startBackingServices } from "./backing-services";
import type { LoadBalancer, LoadBalancerOptions } from "./load-balancer";
import { startLoadBalancer } from "./load-balancer";
import { migratedTemplate } from "./migrated-template";
import type { Service } from "./processes";
import { freePort, startService, startSubgraphProcess, stopService } from "./processes";

/** The replicas of one service behind a load balancer of their own, as a Deployment behind a Service. */
interface ReplicaSet {
  /** `gateway`, or a subgraph's rover.yaml name. */
  name: string;
  balancer: LoadBalancer;
  replicas: Service[];
}

export interface ReplicatedPlatform {
  /** The gateways' load balancer's /graphql: what clients call. */
  url: string;
  gateways: ReplicaSet;
  /** One set per subgraph of rover.yaml, in its order. */
  subgraphs: ReplicaSet[];
  /** What every process was started with (the subgraphs' SUBGRAPH_URL_<NAME> point at their balancers). */
  env: NodeJS.ProcessEnv;
  /** One more replica in `set`, in rotation once ready. */
  addReplica(set: ReplicaSet): Promise<Service>;
  /**
   * Replica `index` of `set` replaced as the manifests' rolling update does it (maxSurge 1,
   * maxUnavailable 0): its replacement started (on a port of its own, as a new pod gets an address
   * of its own) and in rotation once ready, then SIGTERM to the old one, out of rotation once it
   * has exited. Resolves with the old one's exit code.
   */
  restartReplica(set: ReplicaSet, index: number): Promise<number | null>;
  close(): Promise<void>;
}

export interface ReplicatedPlatformOptions {
  gateways: number;
  /** Replicas of each subgraph. */
  replicas: number;
  /** Over the platform's own environment (database, object store, mail, Redis namespace). */
  env?: NodeJS.ProcessEnv;
  /** How the balancers follow /ready (default: every 200 ms, 3 failures out, 5 s to answer, as the manifests' probes but faster). */
  balancer?: LoadBalancerOptions;
}

/**
 * The platform as a cluster runs it, on this machine: every service a process (the entry points
 * the image runs), each subgraph's replicas and the gateways behind a load balancer that follows
 * their /ready, on one test database, an object store, a mail catcher and Redis (REDIS_URL, in a
 * namespace of the platform's own) or else Postgres as the event bus.
 */
export async function startReplicatedPlatform(options: ReplicatedPlatformOptions): Promise<ReplicatedPlatform> {
  const cleanups: (() => Promise<void>)[] = [];
  const sets: ReplicaSet[] = [];
  const close = async () => {
    for (const set of sets.reverse()) {
      await Promise.all(set.replicas.map((service) => stopService(service, "SIGKILL")));
      await set.balancer.close();
    }
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    const { database, store, mail } = await startBackingServices("replicated", cleanups, await migratedTemplate());

    const entries = readSubgraphs();
    // A gateway's /ready asks every subgraph's (each up to 3 s): its answer may take longer than a subgraph's.
    const balancing: LoadBalancerOptions = { checkEveryMs: 200, failureThreshold: 3, timeoutMs: 5_000, ...options.balancer };
    const balancers = await Promise.all(entries.map(() => startLoadBalancer(balancing)));
    const env: NodeJS.ProcessEnv = {
      NODE_ENV: "development",
      DATABASE_URL: database.url,
      REDIS_URL: process.env.REDIS_URL ?? "",
      EVENT_BUS_NAMESPACE: `test-${crypto.randomUUID()}`,
      // Rate-limit counters of its own: other test files' gateways count in the same Redis.
      RATE_LIMIT_KEY_PREFIX: `test:rl:${crypto.randomUUID()}`,
      S3_ENDPOINT: store.config.endpoint,
      S3_BUCKET: store.config.bucket,
      S3_ACCESS_KEY_ID: store.config.accessKeyId,
      S3_SECRET_ACCESS_KEY: store.config.secretAccessKey,
      // As the Kubernetes manifests set them: gateways stay in rotation whichever subgraph is down,
      // and services leave it before they stop (the balancer's checks find /ready 503 meanwhile); a
      // gateway moves its sockets over the second half of that delay, so its length is the rate at
      // which they land on the others.
      READY_REQUIRES_SUBGRAPHS: "false",
      SHUTDOWN_DELAY_MS: String(SHUTDOWN_DELAY_MS),
      // Eleven subgraph processes at once during a restart, at 10 connections each, would be more than
      // this Postgres allows (max_connections 100) next to the other test files' databases.
      DATABASE_POOL_MAX: "4",
      SMTP_URL: mail.smtpUrl,
      DEV_MAILBOX_PATH: mail.mailboxPath,
      ...Object.fromEntries(entries.map((entry, index) => [subgraphUrlVariable(entry.name), `${balancers[index].origin}/graphql`])),
      ...options.env,
    };
    entries.forEach((entry, index) => sets.push({ name: entry.name, balancer: balancers[index], replicas: [] }));
    const gateways: ReplicaSet = { name: "gateway", balancer: await startLoadBalancer(balancing), replicas: [] };
    sets.push(gateways);

    let started = 0;
    const startReplica = async (set: ReplicaSet): Promise<Service> => {
      const port = await freePort();
      const name = `${set.name}-${++started}`;
      return set === gateways ? startService(name, "gateway/dist/src/index.js", port, env) : startSubgraphProcess(set.name, port, env, name);
    };
    const inRotation = async (set: ReplicaSet, service: Service) => {
      const origin = new URL(service.url).origin;
      await set.balancer.add(origin);
      for (let i = 0; !(await set.balancer.ready()).includes(origin); i++) {
        if (i > 100) throw new Error(`${service.name} never came into ${set.name}'s rotation`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const addReplica = async (set: ReplicaSet) => {
      const service = await startReplica(set);
      set.replicas.push(service);
      await inRotation(set, service);
      return service;
    };

    // The database is migrated (a template's copy): every subgraph replica starts at once, then the
    // gateways, whose /ready waits for every subgraph.
    await Promise.all(sets.slice(0, -1).flatMap((set) => Array.from({ length: options.replicas }, () => addReplica(set))));
    await Promise.all(Array.from({ length: options.gateways }, () => addReplica(gateways)));

    return {
      url: `${gateways.balancer.origin}/graphql`,
      gateways,
      subgraphs: sets.filter((set) => set !== gateways),
      env,
      addReplica,
      async restartReplica(set, index) {
        const old = set.replicas[index];
        const replacement = await startReplica(set);
        set.replicas[index] = replacement;
        await inRotation(set, replacement);
        const code = await stopService(old);
        await set.balancer.remove(new URL(old.url).origin);
        return code;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

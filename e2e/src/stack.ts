import "reflect-metadata";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { GatewayConfig } from "@solo/gateway";
import { gatewayConfigFromEnv, startGateway } from "@solo/gateway";
import type { CaughtMail, RunningService, RunningSubgraph, SubgraphOverrides } from "@solo/kit";
import { ObjectStorage, countQueries, createEventBus, createLogger, jobNames, loadSubgraph, projectRoot, readSubgraphs, runSubgraph } from "@solo/kit";
import { createTestDatabase, tableSnapshot as snapshotTables } from "@solo/kit/dist/src/testing";
import { startInstagramStandIn } from "@solo/tools/dist/src/instagram-stand-in";
import { startMailCatcher } from "@solo/tools/dist/src/mail-catcher";
import { Kind, parse, print } from "graphql";
import { Client } from "pg";
import { RegistryClient, startRegistry } from "@solo/registry";
import { migratedTemplate } from "./migrated-template";
import { startTestObjectStore } from "./object-store";

export interface StackOptions {
  /**
   * Per subgraph (by its rover.yaml name), over the stack's own: a clock, settings, job intervals
   * (every job's is 0 in a stack, so ticks never land in SQL counts: tests run jobs with runJobNow).
   */
  subgraphs?: Record<string, SubgraphOverrides>;
  /**
   * A schema registry on the stack's database (in-process, like the subgraphs), with every
   * subgraph's SDL (schema/<name>.graphql) published at its running URL, and the gateway taking
   * its supergraph from it (SUPERGRAPH_SOURCE=registry).
   */
  registry?: { minDelaySeconds?: number };
  gateway?: Partial<Omit<GatewayConfig, "limits" | "rateLimit" | "registry" | "usage">> & {
    registry?: Partial<GatewayConfig["registry"]>;
    usage?: Partial<GatewayConfig["usage"]>;
    limits?: Partial<GatewayConfig["limits"]>;
    rateLimit?: Partial<GatewayConfig["rateLimit"]>;
  };
}

/**
 * The real thing, in-process: every subgraph of rover.yaml on one test database, with an object
 * store, a mail catcher, a local Instagram and an event bus of the stack's own, and the gateway
 * loading the checked-in supergraph, all listening on loopback ports. Tests talk to it over HTTP only.
 */
export async function startStack(options: StackOptions = {}) {
  const entries = readSubgraphs();
  const unknown = Object.keys(options.subgraphs ?? {}).filter((name) => !entries.some((entry) => entry.name === name));
  if (unknown.length) throw new Error(`startStack: no subgraph ${unknown.join(", ")} in rover.yaml`);
  const database = await createTestDatabase("e2e", { template: await migratedTemplate() });
  const logger = createLogger("test");
  const objectStore = await startTestObjectStore();
  // A mail catcher of the stack's own: subgraphs send to it (SMTP_URL), the gateway's /dev/mail reads its mailbox.
  const mailDir = fs.mkdtempSync(path.join(os.tmpdir(), "solo-mail-"));
  let mailCatcher = await startMailCatcher({ port: 0, mailboxPath: path.join(mailDir, "mailbox.jsonl") });
  // Instagram's Graph API, local (INSTAGRAM_GRAPH_URL): open, so a token `dev-<handle>` is account <handle>.
  const instagram = await startInstagramStandIn({ open: true });
  // Redis when REDIS_URL is set (as in CI), else Postgres LISTEN/NOTIFY on the test's database. In
  // a namespace of its own: test files running side by side share one Redis.
  const eventNamespace = `test-${crypto.randomUUID()}`;
  const events = await createEventBus({ redisUrl: process.env.REDIS_URL, databaseUrl: database.url, logger, namespace: eventNamespace });

  const running = new Map<string, RunningSubgraph>();
  // Asked at each call: a subgraph started early finds the ones started after it.
  const peers = { url: (name: string) => running.get(name)?.url };
  const start = async (name: string, port = 0) => {
    const descriptor = loadSubgraph(name);
    const own = options.subgraphs?.[name] ?? {};
    const subgraph = await runSubgraph(descriptor, {
      databaseUrl: database.url,
      logger,
      storage: objectStore.config,
      eventBus: events,
      peers,
      ...own,
      port,
      env: {
        SMTP_URL: mailCatcher.smtpUrl,
        INSTAGRAM_GRAPH_URL: instagram.url,
        // As for the gateway below: one event loop for all here, and a test's burst is no overload.
        SUBGRAPH_MAX_IN_FLIGHT_REQUESTS: "1000",
        SUBGRAPH_MAX_QUEUED_REQUESTS: "1000",
        SUBGRAPH_MAX_QUEUE_WAIT_MS: "120000",
        SUBGRAPH_MAX_EVENT_LOOP_UTILIZATION: "1",
        ...own.env,
      },
      jobIntervalsMs: { ...Object.fromEntries(jobNames(descriptor).map((job) => [job, 0])), ...own.jobIntervalsMs },
    });
    running.set(name, subgraph);
    return subgraph;
  };
  /** The registry on the stack's database and bus, with every subgraph of the stack published to it. */
  const startPublishedRegistry = async (minDelaySeconds = 5) => {
    const started = await startRegistry(
      {
        port: 0,
        host: "127.0.0.1",
        databaseUrl: database.url,
        usersUrl: running.get("users")?.url,
        redisUrl: process.env.REDIS_URL,
        eventBusNamespace: eventNamespace,
        minDelaySeconds,
        checkUsageDays: 30,
      },
      logger,
    );
    const client = new RegistryClient({ url: started.url });
    for (const [name, subgraph] of running) {
      const sdl = fs.readFileSync(path.join(projectRoot(), "schema", `${name}.graphql`), "utf8");
      await client.publish(name, { sdl, url: subgraph.url, author: "e2e stack" });
    }
    return started;
  };
  const sql = new Map<string, ReturnType<typeof countQueries>>();
  const stopSubgraphs = async () => {
    for (const subgraph of [...running.values()].reverse()) await subgraph.close();
  };
  let gateway: RunningService;
  let gatewayConfig: GatewayConfig;
  const replicas: RunningService[] = [];
  let registry: RunningService | undefined;
  try {
    for (const entry of entries) sql.set(entry.name, countQueries((await start(entry.name)).orm));
    if (options.registry) registry = await startPublishedRegistry(options.registry.minDelaySeconds);
    const defaults = gatewayConfigFromEnv();
    const config: GatewayConfig = {
      ...defaults,
      ...options.gateway,
      port: 0,
      host: "127.0.0.1",
      supergraphSource: options.gateway?.supergraphSource ?? (registry ? "registry" : "file"),
      registry: { ...defaults.registry, ...(registry ? { url: registry.url, apiKey: undefined } : {}), ...options.gateway?.registry },
      usage: { ...defaults.usage, enabled: Boolean(registry), ...options.gateway?.usage },
      supergraphPath: path.join(projectRoot(), "schema", "supergraph.graphql"),
      subgraphUrls: { ...Object.fromEntries([...running].map(([name, subgraph]) => [name, subgraph.url])), ...options.gateway?.subgraphUrls },
      redisUrl: options.gateway?.redisUrl ?? process.env.REDIS_URL,
      databaseUrl: database.url,
      eventBusNamespace: eventNamespace,
      devMailboxPath: options.gateway && "devMailboxPath" in options.gateway ? options.gateway.devMailboxPath : mailCatcher.mailboxPath,
      limits: { ...defaults.limits, ...options.gateway?.limits },
      // Off unless a suite asks: the others count the fetches and statements of repeated queries.
      responseCache: options.gateway?.responseCache ?? { ...defaults.responseCache, enabled: false },
      // Gateway, subgraphs and test share one process here, on a machine shared with other suites:
      // a burst (100 registrations hashing passwords) can hold a fetch past production's 30 s.
      subgraphTimeoutMs: options.gateway?.subgraphTimeoutMs ?? 120_000,
      // Gateway, subgraphs and test run on one event loop here, so its utilization is not the
      // gateway's load, and a test's burst of 100 requests is no overload: the overload suite sets its own.
      admission: { maxInFlight: 1_000, maxQueued: 1_000, maxWaitMs: 120_000, maxEventLoopUtilization: 1, ...options.gateway?.admission },
      // Generous by default so suites do not trip each other; the rate-limit suite sets its own.
      rateLimit: {
        ...defaults.rateLimit,
        user: 100_000,
        apiKey: 100_000,
        anonymous: 100_000,
        keyPrefix: `test:${Math.random().toString(36).slice(2)}`,
        ...options.gateway?.rateLimit,
      },
    };
    gateway = await startGateway(config, logger);
    gatewayConfig = config;
  } catch (error) {
    await registry?.close();
    await stopSubgraphs();
    await events.close();
    await mailCatcher.close();
    await instagram.close();
    await objectStore.close();
    await database.drop();
    throw error;
  }
  const storage = new ObjectStorage(objectStore.config);
  const db = new Client({ connectionString: database.url });
  await db.connect();

  /** The running subgraph `name` (an unknown name is an error, not undefined). */
  const subgraph = (name: string): RunningSubgraph => {
    const found = running.get(name);
    if (!found) throw new Error(`the stack runs no subgraph "${name}" (it runs ${[...running.keys()].join(", ")})`);
    return found;
  };

  return {
    url: gateway.url,
    /** The registry's base URL (with `registry` in the options). */
    registryUrl: registry?.url,
    /** Stops the registry (its URL then refuses connections), for tests of a gateway without it. */
    async stopRegistry() {
      await registry?.close();
      registry = undefined;
    },
    wsUrl: gateway.url.replace(/^http/, "ws"),
    origin: new URL(gateway.url).origin,
    subgraph,
    /** Where each subgraph answers, by name. */
    get subgraphUrls(): Record<string, string> {
      return Object.fromEntries([...running].map(([name, running]) => [name, running.url]));
    },
    /** Stops subgraph `name` and starts it again on the same port, as a restart or redeploy does. */
    async restart(name: string) {
      const port = subgraph(name).port;
      await subgraph(name).close();
      running.delete(name);
      sql.set(name, countQueries((await start(name, port)).orm));
    },
    /** Runs every job that outbox rows wake (mail, …) until none is moving: what requests left behind has gone out. */
    async settle() {
      for (const name of running.keys()) await subgraph(name).settle();
    },
    /** The stack's SMTP catcher; `stopMailServer`/`startMailServer` take it away and bring it back on its port. */
    get mailCatcher() {
      return mailCatcher;
    },
    async stopMailServer() {
      await mailCatcher.close();
    },
    async startMailServer() {
      mailCatcher = await startMailCatcher({ port: mailCatcher.port, mailboxPath: mailCatcher.mailboxPath });
    },
    /** The stack's Instagram stand-in (INSTAGRAM_GRAPH_URL): accounts, injected faults, what was published. */
    instagram,
    databaseUrl: database.url,
    /** A client of the stack's object store (the bucket subgraphs upload to). */
    storage,
    storageConfig: objectStore.config,
    objectStore,
    /** SQL statements subgraph `name` has sent since its counter's last reset. */
    sql(name: string) {
      subgraph(name);
      return sql.get(name)!;
    },
    /** The bus subgraphs publish on (a second connection to it stands in for a gateway). */
    events,
    /** The namespace of that bus (a second bus in it stands in for a gateway). */
    eventNamespace,
    /**
     * What `run` cost: SQL statements per subgraph and requests from the gateway to each subgraph.
     * Batching tests compare this for short and long lists.
     */
    async measure(run: () => Promise<void>) {
      const before = await this.subgraphFetches();
      for (const counter of sql.values()) counter.reset();
      await run();
      const after = await this.subgraphFetches();
      return {
        sql: Object.fromEntries([...sql].map(([name, counter]) => [name, counter.value])),
        fetches: Object.fromEntries(Object.keys(after).map((name) => [name, after[name] - (before[name] ?? 0)])),
      };
    },
    /** Requests the gateway has sent to each subgraph (its subgraph_fetches_total metric). */
    async subgraphFetches(): Promise<Record<string, number>> {
      const text = await (await fetch(`${new URL(gateway.url).origin}/metrics`)).text();
      const counts: Record<string, number> = {};
      for (const match of text.matchAll(/^subgraph_fetches_total\{[^}]*subgraph="(\w+)"[^}]*\} (\d+)$/gm)) counts[match[1]] = Number(match[2]);
      return counts;
    },
    /** Direct SQL for assertions about stored state. */
    db,
    client: (credentials: Credentials = {}) => new GraphQLClient(gateway.url, credentials),
    /** A second replica of the gateway over the same subgraphs, bus and Redis, as a deployment's next pod. */
    async startGatewayReplica(overrides: Partial<GatewayConfig> = {}) {
      const replica = await startGateway({ ...gatewayConfig, ...overrides }, logger);
      replicas.push(replica);
      return {
        url: replica.url,
        origin: new URL(replica.url).origin,
        client: (credentials: Credentials = {}) => new GraphQLClient(replica.url, credentials),
      };
    },
    async close() {
      for (const replica of replicas) await replica.close();
      await gateway.close();
      await registry?.close();
      await stopSubgraphs();
      await events.close();
      await mailCatcher.close();
      await instagram.close();
      fs.rmSync(mailDir, { recursive: true, force: true });
      storage.destroy();
      await objectStore.close();
      await db.end();
      await database.drop();
    },
  };
}

export type Stack = Awaited<ReturnType<typeof startStack>>;

export interface Credentials {
  token?: string;
  apiKey?: string;
  headers?: Record<string, string>;
}

export interface GraphQLResponse<T = any> {
  status: number;
  headers: Headers;
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: Record<string, any> }[];
}

export class GraphQLClient {
  constructor(
    readonly url: string,
    readonly credentials: Credentials = {},
  ) {}

  withToken(token: string): GraphQLClient {
    return new GraphQLClient(this.url, { ...this.credentials, token });
  }

  async request<T = any>(query: string, variables?: Record<string, unknown>, operationName?: string): Promise<GraphQLResponse<T>> {
    return this.raw(JSON.stringify({ query, variables, operationName }));
  }

  async raw<T = any>(body: string, extraHeaders: Record<string, string> = {}): Promise<GraphQLResponse<T>> {
    const headers: Record<string, string> = { "content-type": "application/json", ...this.credentials.headers, ...extraHeaders };
    if (this.credentials.token) headers.authorization = `Bearer ${this.credentials.token}`;
    if (this.credentials.apiKey) headers["x-api-key"] = this.credentials.apiKey;
    const response = await fetch(this.url, { method: "POST", headers, body });
    const text = await response.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`non-JSON response ${response.status}: ${text.slice(0, 200)}`);
    }
    return { status: response.status, headers: response.headers, data: json.data, errors: json.errors };
  }

  /** Sends one named operation from clients/operations, unchanged. */
  op<T = any>(name: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> {
    return this.request<T>(contractOperation(name), variables, name);
  }
}

const operations = new Map<string, string>();

/** The text of one operation of the client contract (clients/operations/*.graphql). */
export function contractOperation(name: string): string {
  if (!operations.size) {
    const dir = path.join(projectRoot(), "clients", "operations");
    for (const file of fs.readdirSync(dir).filter((entry) => entry.endsWith(".graphql"))) {
      for (const definition of parse(fs.readFileSync(path.join(dir, file), "utf8")).definitions) {
        if (definition.kind === Kind.OPERATION_DEFINITION && definition.name) operations.set(definition.name.value, print(definition));
      }
    }
  }
  const text = operations.get(name);
  if (!text) throw new Error(`no contract operation named ${name}`);
  return text;
}

let counter = 0;
export function uniqueEmail(label = "user"): string {
  counter += 1;
  return `${label}.${process.pid}.${Date.now()}.${counter}@example.test`;
}

export const PASSWORD = "correct horse battery staple";

/** Registers through the contract's Register operation and returns the payload. */
export async function register(stack: Stack, overrides: Partial<{ email: string; password: string; displayName: string; timezone: string }> = {}) {
  const input = { email: uniqueEmail(), password: PASSWORD, displayName: "Test User", ...overrides };
  const response = await stack.client().op("Register", { input });
  if (response.errors) throw new Error(`register failed: ${JSON.stringify(response.errors)}`);
  const payload = response.data.register;
  // Registration queues a verification mail: let it go out, so tests that count statements or
  // compare table snapshots next see nothing still moving.
  await stack.settle();
  return { ...payload, email: input.email, password: input.password, client: stack.client({ token: payload.accessToken }) };
}

/** What a gateway's GET /dev/mail lists. */
export async function devMailbox(origin: string): Promise<CaughtMail[]> {
  const response = await fetch(`${origin}/dev/mail`);
  if (!response.ok) throw new Error(`GET /dev/mail answered ${response.status}`);
  return (await response.json()) as CaughtMail[];
}

/**
 * The newest mail to `to` (any case) whose subject matches, read from the gateway's GET /dev/mail
 * as a developer would, with the token of its link. Waits for the outbox to deliver it.
 */
export async function mailTo(gateway: { origin: string }, to: string, subject: RegExp, timeoutMs = 10_000): Promise<CaughtMail & { token: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mail = (await devMailbox(gateway.origin)).reverse().find((entry) => entry.to.toLowerCase() === to.toLowerCase() && subject.test(entry.subject));
    const token = mail && /token=([A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
    if (mail && token) return { ...mail, token };
    if (Date.now() > deadline) throw new Error(`no mail to ${to} matching ${subject} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const VERIFY_EMAIL = "mutation ($token: String!) { verifyEmail(token: $token) }";

/**
 * The addresses of the registerAdmin calls under way in this process. ADMIN_EMAILS is read by the
 * in-process users subgraph and is one for the whole process: it lists them all, so that two calls
 * at once (two suites' before hooks, a Promise.all) do not unlist each other.
 */
const adminsUnderWay = new Set<string>();

function listAdminsUnderWay() {
  if (adminsUnderWay.size) process.env.ADMIN_EMAILS = [...adminsUnderWay].join(",");
  else delete process.env.ADMIN_EMAILS;
}

/**
 * An ADMIN the way a real one is made: registered with an address listed in ADMIN_EMAILS, the
 * address verified with the token from its mail, then signed in again (the token carries ADMIN).
 */
export async function registerAdmin(stack: Stack) {
  const email = uniqueEmail("admin");
  adminsUnderWay.add(email);
  listAdminsUnderWay();
  try {
    const account = await register(stack, { email, displayName: "Admin" });
    const { token } = await mailTo(stack, email, /Confirm your email/);
    const verified = await stack.client().request(VERIFY_EMAIL, { token });
    if (verified.errors) throw new Error(`verifyEmail failed: ${JSON.stringify(verified.errors)}`);
    const login = await stack.client().op("Login", { email, password: account.password });
    if (login.errors) throw new Error(`login failed: ${JSON.stringify(login.errors)}`);
    const payload = login.data.login;
    return { ...account, ...payload, user: { ...account.user, ...payload.user }, client: stack.client({ token: payload.accessToken }) };
  } finally {
    adminsUnderWay.delete(email);
    listAdminsUnderWay();
  }
}

/** The kit's table snapshot of the stack's database: see `tableSnapshot` in `@solo/kit/dist/src/testing`. */
export function tableSnapshot(stack: Stack, schemas: string | string[]): Promise<Record<string, string>> {
  return snapshotTables(stack.db, schemas);
}

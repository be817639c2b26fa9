import fs from "node:fs";
import path from "node:path";

/** The repository root: the nearest folder above this file that holds rover.yaml. */
export function projectRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, "rover.yaml"))) {
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

/** Where local state lives (embedded Postgres, object store, generated dev keys); git-ignored. */
export function dataDir(): string {
  return process.env.SOLO_DATA_DIR ?? path.join(projectRoot(), ".data");
}

export const isProduction = (): boolean => process.env.NODE_ENV === "production";

/**
 * Where settings are read from: the process environment, or (a subgraph started in a test's
 * process) that environment with a few variables of the test's own over it.
 */
export type Env = Readonly<Record<string, string | undefined>>;

export function envString(name: string, fallback: string, env: Env = process.env): string {
  const value = env[name];
  return value === undefined || value === "" ? fallback : value;
}

export function envInt(name: string, fallback: number, env: Env = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  }
  return value;
}

/** A share above 0 and at most 1 (a utilization, a ratio). */
export function envFraction(name: string, fallback: number, env: Env = process.env): number {
  const raw = env[name];
  const value = raw === undefined || raw === "" ? fallback : Number(raw);
  if (!(value > 0 && value <= 1)) throw new Error(`${name} must be a number above 0 and at most 1, got "${raw}"`);
  return value;
}

export function envBoolean(name: string, fallback: boolean, env: Env = process.env): boolean {
  const value = env[name];
  if (value === undefined || value === "") return fallback;
  if (["1", "true"].includes(value)) return true;
  if (["0", "false"].includes(value)) return false;
  throw new Error(`${name} must be true or false (or 1 or 0), got ${value}`);
}

/** Whether the gateway serves GraphiQL (GRAPHIQL; default: on outside production): `npm start` lists it only then. */
export const graphiqlEnabled = (env: Env = process.env): boolean => envBoolean("GRAPHIQL", env.NODE_ENV !== "production", env);

export function envList(name: string, env: Env = process.env): string[] {
  return (env[name] ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
}

export const DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/solo";

export function databaseUrl(env: Env = process.env): string {
  return envString("DATABASE_URL", DEFAULT_DATABASE_URL, env);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else cannot name a row, and Postgres would reject it as a uuid. */
export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}

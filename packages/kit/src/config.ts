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

export function envString(name: string, fallback: string): string {
  const value = process.env[name];
  return value === undefined || value === "" ? fallback : value;
}

export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  }
  return value;
}

export function envList(name: string): string[] {
  return (process.env[name] ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
}

export const DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/solo";

export function databaseUrl(): string {
  return envString("DATABASE_URL", DEFAULT_DATABASE_URL);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else cannot name a row, and Postgres would reject it as a uuid. */
export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}

import fs from "node:fs";
import type { Env } from "./config";
import { envBoolean } from "./config";
import type { Logger } from "./logger";

/**
 * MIGRATE_ON_START (default true). False where migrations are a step of their own that runs
 * before a rollout (the Kubernetes Job, `npm run migrate`): a service then applies none, and waits
 * for that step instead, so new code never serves a schema older than it expects.
 */
export function migrateOnStart(env: Env = process.env): boolean {
  return envBoolean("MIGRATE_ON_START", true, env);
}

/** The database has no such schema or table yet: nothing in it is migrated. */
export function isMissingRelation(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === "42P01" || code === "3F000";
}

/**
 * Resolves once `pending()` lists no migration, looking every `intervalMs`. Until then the service
 * does not listen: its startup probe fails and its old replicas keep serving.
 */
export async function waitForMigrations(what: string, pending: () => Promise<string[]>, logger: Logger | undefined, intervalMs = 2_000): Promise<void> {
  for (let said = false; ; said = true) {
    const left = await pending();
    if (!left.length) return;
    if (!said) logger?.warn({ pending: left }, `${what}: waiting for its migrations to be applied (MIGRATE_ON_START=false: \`npm run migrate\` applies them)`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The names of a subgraph's compiled migrations (as MikroORM records them: file names without `.js`). */
export function migrationNames(migrationsPath: string): string[] {
  return fs
    .readdirSync(migrationsPath)
    .filter((file) => file.endsWith(".js") && !file.endsWith(".d.js"))
    .map((file) => file.slice(0, -".js".length))
    .sort();
}

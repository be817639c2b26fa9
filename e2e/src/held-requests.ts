import assert from "node:assert/strict";
import type { Client } from "pg";

/** Polls `check` every 10 ms until it holds; fails the test with `what` after `timeoutMs`. */
export async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) assert.fail(`not ${what} after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Runs `work` while `table` is locked by `db`'s connection, so that requests reading it are held in
 * flight for real; the lock is let go however `work` ends. What `work` returns must not be a
 * request's promise itself (wrap it): awaiting it here would wait for the lock.
 */
export async function whileLocked<T>(db: Client, table: string, work: () => Promise<T>): Promise<T> {
  await db.query("BEGIN");
  await db.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
  try {
    return await work();
  } finally {
    await db.query("COMMIT");
  }
}

/** Statements of `db`'s database, other than its own, waiting on a lock. */
export async function waitingOnLocks(db: Client): Promise<number> {
  const { rows } = await db.query<{ count: string }>(
    "select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()",
  );
  return Number(rows[0].count);
}

/** The sum of the series of `name` on `origin`'s /metrics whose labels contain `labels`. */
export async function metricSum(origin: string, name: string, labels = ""): Promise<number> {
  const text = await (await fetch(`${origin}/metrics`)).text();
  let sum = 0;
  for (const match of text.matchAll(new RegExp(`^${name}\\{([^}]*)\\} (\\d+)$`, "gm"))) if (match[1].includes(labels)) sum += Number(match[2]);
  return sum;
}

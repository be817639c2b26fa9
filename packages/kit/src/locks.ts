import type { EntityManager } from "@mikro-orm/postgresql";

/**
 * Makes transactions that lock the same `namespace` and `key` take turns, on every replica: a
 * Postgres advisory lock, released when the caller's transaction ends. For work that must see what
 * the last one of its kind committed (counting before inserting) where no row exists to lock yet.
 */
export async function lockUntilCommit(em: EntityManager, namespace: string, key: string): Promise<void> {
  // Outside a transaction the lock would end with its own statement, and guard nothing.
  if (!em.isInTransaction()) throw new Error(`lockUntilCommit(${namespace}) needs a transaction`);
  await em.execute("select pg_advisory_xact_lock(hashtextextended(?, 0))", [`${namespace}:${key}`]);
}

import type { EntityManager } from "@mikro-orm/postgresql";

/**
 * The next 1-based position among a parent's children, inside the caller's transaction. Locking
 * the parent row first serialises concurrent appends, so positions stay 1, 2, 3, … without gaps or
 * duplicates (the unique index would refuse a duplicate anyway).
 */
export async function nextPosition(
  em: EntityManager,
  schema: string,
  parent: { table: string; id: string },
  children: { table: string; parentColumn: string },
): Promise<number> {
  const connection = em.getConnection();
  const tx = em.getTransactionContext<object>();
  await connection.execute(`select 1 from "${schema}"."${parent.table}" where id = ? for update`, [parent.id], "all", tx);
  const [{ next }] = await connection.execute<{ next: number }[]>(
    `select coalesce(max(position), 0) + 1 as next from "${schema}"."${children.table}" where "${children.parentColumn}" = ?`,
    [parent.id],
    "all",
    tx,
  );
  return Number(next);
}

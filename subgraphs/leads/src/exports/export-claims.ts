import type { EntityManager } from "@mikro-orm/postgresql";
import type { ExportFormat } from "../entities";

/** An export as the job holds it: its row, with the claim token that lets it write to that row. */
export interface ClaimedExport {
  id: string;
  ownerId: string;
  format: ExportFormat;
  filter: Record<string, unknown> | null;
  attempts: number;
  claimToken: string;
}

interface ClaimedRow {
  id: string;
  owner_id: string;
  format: ExportFormat;
  filter: Record<string, unknown> | null;
  attempts: number;
  claim_token: string;
}

/**
 * Claims the oldest due export: a PENDING one, or a RUNNING one whose lease ran out (its process
 * died mid-run), with tries left, made again from the start, and none of `skip` (those this run has tried already). FOR UPDATE
 * SKIP LOCKED: replicas claiming at once get different exports. The claim gets a fresh token, and
 * every later write names it, so a process whose claim lapsed and was taken over writes nothing.
 */
export async function claimDueExport(
  em: EntityManager,
  options: { now: Date; leaseMs: number; maxAttempts: number; skip: readonly string[] },
): Promise<ClaimedExport | null> {
  const { now, leaseMs, maxAttempts, skip } = options;
  const rows = await em.execute<ClaimedRow[]>(
    `update leads.lead_exports e
        set status = 'RUNNING', claim_token = gen_random_uuid(), lease_until = ?, attempts = e.attempts + 1, started_at = ?, record_count = 0
      where e.id = (
        select id from leads.lead_exports
         where (status = 'PENDING' or (status = 'RUNNING' and lease_until < ?)) and attempts < ? and id <> all(?::uuid[])
         order by created_at, id
         limit 1 for update skip locked)
      returning e.id, e.owner_id, e.format, e.filter, e.attempts, e.claim_token`,
    [new Date(now.getTime() + leaseMs), now, now, maxAttempts, `{${skip.join(",")}}`],
  );
  const row = rows[0];
  if (!row) return null;
  return { id: row.id, ownerId: row.owner_id, format: row.format, filter: row.filter, attempts: row.attempts, claimToken: row.claim_token };
}

/**
 * Exports whose last try died with its process (lease run out) and that have no tries left: FAILED,
 * so none stays RUNNING for ever. Returns how many.
 */
export async function failAbandonedExports(em: EntityManager, options: { now: Date; maxAttempts: number }): Promise<number> {
  const { now, maxAttempts } = options;
  const result = await em.execute<{ affectedRows: number }>(
    `update leads.lead_exports
        set status = 'FAILED', error = ?, finished_at = ?, claim_token = null, lease_until = null
      where id in (
        select id from leads.lead_exports
         where status in ('PENDING', 'RUNNING') and (status = 'PENDING' or lease_until < ?) and attempts >= ?
         for update skip locked)`,
    [`The export stopped before it finished, ${maxAttempts} times`, now, now, maxAttempts],
    "run",
  );
  return result.affectedRows;
}

/** Writes to a claimed export if the claim still holds: false when it lapsed (another process may hold it now). */
export async function updateClaimed(em: EntityManager, claimed: Pick<ClaimedExport, "id" | "claimToken">, set: string, params: unknown[]): Promise<boolean> {
  const result = await em.execute<{ affectedRows: number }>(
    `update leads.lead_exports set ${set} where id = ? and claim_token = ? and status = 'RUNNING'`,
    [...params, claimed.id, claimed.claimToken],
    "run",
  );
  return result.affectedRows > 0;
}

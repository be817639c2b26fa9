import type { EntityManager } from "@mikro-orm/postgresql";

/** A signal's weight in its owner's scores. */
export interface Weight {
  signal: string;
  weight: number;
}

/**
 * The contract's score: round(100 × Σ wᵢ·sᵢ ÷ Σ wᵢ) over the owner's weights, a signal the lead
 * lacks counting 0; 0 without weights. The SQL below computes the same (round half up, as numeric).
 */
export function leadScore(weights: readonly Weight[], signals: Readonly<Record<string, number>>): number {
  const total = weights.reduce((sum, { weight }) => sum + weight, 0);
  if (total <= 0) return 0;
  const weighted = weights.reduce((sum, { signal, weight }) => sum + weight * (signals[signal] ?? 0), 0);
  // To 15 significant digits first, as the SQL's cast to numeric does: an exact half such as
  // 100 × 0.145 is 14.499999999999998 in floating point, and must round up like 14.5.
  return Math.round(Number(((100 * weighted) / total).toPrecision(15)));
}

/** Leads rescored per statement: a batch is one transaction, so a rescore never holds every row. */
const RESCORE_BATCH = 5_000;

// The owner's leads in `batch`, scored by the formula above, written where the score changed (or
// was never recorded), each change kept in score_changes.
const SCORE_SQL = (batch: string) => `
  with batch as (${batch}),
  total as (select coalesce(sum(weight), 0) as w from leads.scoring_weights where owner_id = ?),
  computed as (
    select b.id,
           case when total.w > 0
                then round((100 * coalesce(sum(w.weight * coalesce(s.value, 0)), 0) / total.w)::numeric)::int
                else 0 end as score
      from batch b
      cross join total
      left join leads.scoring_weights w on w.owner_id = ?
      left join leads.lead_signals s on s.lead_id = b.id and s.name = w.signal
     group by b.id, total.w
  ),
  changed as (
    update leads.leads l set score = c.score, updated_at = ?
      from computed c
     where l.id = c.id and (l.score <> c.score or not exists (select 1 from leads.score_changes h where h.lead_id = l.id))
    returning l.id, l.score
  ),
  history as (
    insert into leads.score_changes (id, lead_id, score, at) select gen_random_uuid(), id, score, ? from changed returning lead_id
  )
  select (select count(*) from batch)::int as scored, (select count(*) from history)::int as changed,
         (select id from batch order by id desc limit 1) as last_id`;

interface BatchResult {
  scored: number;
  changed: number;
  last_id: string | null;
}

/** Scores the listed leads of one owner (new or changed ones) in one statement. */
export async function scoreLeads(em: EntityManager, ownerId: string, leadIds: readonly string[], now: Date): Promise<number> {
  if (!leadIds.length) return 0;
  const [result] = await em.execute<BatchResult[]>(SCORE_SQL(`select id from leads.leads where owner_id = ? and id = any(array[?]::uuid[])`), [
    ownerId,
    [...leadIds],
    ownerId,
    ownerId,
    now,
    now,
  ]);
  return result.changed;
}

/**
 * Every lead of the owner rescored, in batches of `batchSize` by id, each batch its own
 * transaction, all in SQL. Returns how many leads were scored and how many changed score.
 */
export async function rescoreOwner(em: EntityManager, ownerId: string, now: Date, batchSize = RESCORE_BATCH): Promise<{ scored: number; changed: number }> {
  let after = "00000000-0000-0000-0000-000000000000";
  let scored = 0;
  let changed = 0;
  for (;;) {
    const [result] = await em.transactional((tx) =>
      tx.execute<BatchResult[]>(SCORE_SQL(`select id from leads.leads where owner_id = ? and id > ? order by id limit ${batchSize}`), [
        ownerId,
        after,
        ownerId,
        ownerId,
        now,
        now,
      ]),
    );
    scored += result.scored;
    changed += result.changed;
    if (!result.last_id || result.scored < batchSize) return { scored, changed };
    after = result.last_id;
  }
}

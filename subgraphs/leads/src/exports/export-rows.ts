import type { EntityManager } from "@mikro-orm/postgresql";
import { rankIn } from "../loaders";
import type { LeadListing } from "../services/lead-listing";
import { filterConditions } from "../services/lead-listing";
import type { ExportedLead } from "./lead-files";

interface LeadRow {
  id: string;
  name: string;
  email: string | null;
  title: string | null;
  company: string | null;
  location: string | null;
  linkedin_url: string | null;
  source: string | null;
  status: string;
  score: number;
  created_at: Date;
  /** created_at as Postgres prints it: to the microsecond, where a Date keeps milliseconds. */
  created_at_key: string;
}

/** The names of the signals the owner's leads have, sorted: the CSV's signal columns. */
export async function ownerSignalNames(em: EntityManager, ownerId: string): Promise<string[]> {
  const rows = await em.execute<{ name: string }[]>(
    `select distinct s.name from leads.lead_signals s join leads.leads l on l.id = s.lead_id where l.owner_id = ? order by s.name`,
    [ownerId],
  );
  return rows.map((row) => row.name);
}

/**
 * The owner's leads that `filter` matches (as `leads(filter)` does), oldest first, `pageSize` at a
 * time: keyset pages over (created_at, id), which the (owner_id, created_at, id) index serves, so
 * each page costs the same and only one page is held at once. Ranks are counted once, at the start.
 */
export async function* pagesOfLeads(em: EntityManager, ownerId: string, filter: LeadListing["filter"], pageSize: number): AsyncGenerator<ExportedLead[]> {
  const { where, params } = filterConditions(ownerId, filter);

  const scoreCounts = await em.execute<{ score: number; n: string }[]>(`select score, count(*) as n from leads.leads where owner_id = ? group by score`, [ownerId]);
  const counts = new Map(scoreCounts.map((row) => [row.score, Number(row.n)]));
  let after: { createdAt: string; id: string } | null = null;
  for (;;) {
    const keyset = after ? ` and (created_at, id) > (?::timestamptz, ?)` : "";
    const rows: LeadRow[] = await em.execute<LeadRow[]>(
      `select id, name, email, title, company, location, linkedin_url, source, status, score, created_at, created_at::text as created_at_key
         from leads.leads where ${where.join(" and ")}${keyset} order by created_at, id limit ?`,
      [...params, ...(after ? [after.createdAt, after.id] : []), pageSize],
    );
    if (!rows.length) return;
    const signals = await em.execute<{ lead_id: string; name: string; value: number }[]>(
      `select lead_id, name, value from leads.lead_signals where lead_id = any(?::uuid[])`,
      [`{${rows.map((row) => row.id).join(",")}}`],
    );
    const signalsByLead = new Map<string, Map<string, number>>(rows.map((row) => [row.id, new Map()]));
    for (const signal of signals) signalsByLead.get(signal.lead_id)!.set(signal.name, Number(signal.value));
    yield rows.map((row) => ({
      name: row.name,
      email: row.email,
      title: row.title,
      company: row.company,
      location: row.location,
      linkedinUrl: row.linkedin_url,
      source: row.source,
      status: row.status,
      score: row.score,
      rank: rankIn(counts, row.score),
      createdAt: new Date(row.created_at),
      signals: signalsByLead.get(row.id)!,
    }));
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1];
    after = { createdAt: last.created_at_key, id: last.id };
  }
}

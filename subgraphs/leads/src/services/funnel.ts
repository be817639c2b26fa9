import type { EntityManager } from "@mikro-orm/postgresql";

export interface Funnel {
  leads: number;
  contacted: number;
  qualified: number;
  converted: number;
  signups: number;
  conversionRate: number;
}

/**
 * Campaigns' leads by how far they got (each stage counts the leads at it or beyond; LOST ones
 * count as leads only) and their signups, for any number of campaigns in one statement: a page of
 * campaigns with their funnels costs what one does.
 */
export async function campaignFunnels(em: EntityManager, campaignIds: readonly string[]): Promise<Funnel[]> {
  const rows = await em.execute<{ id: string; leads: string; contacted: string; qualified: string; converted: string; signups: string }[]>(
    `select c.id,
            count(l.id) as leads,
            count(l.id) filter (where l.status in ('CONTACTED', 'QUALIFIED', 'CONVERTED')) as contacted,
            count(l.id) filter (where l.status in ('QUALIFIED', 'CONVERTED')) as qualified,
            count(l.id) filter (where l.status = 'CONVERTED') as converted,
            (select count(*) from leads.signups s where s.campaign_id = c.id) as signups
       from unnest(array[?]::uuid[]) as c(id)
       left join leads.leads l on l.campaign_id = c.id
      group by c.id`,
    [[...campaignIds]],
  );
  return campaignIds.map((id) => {
    const row = rows.find((candidate) => candidate.id === id)!;
    const leads = Number(row.leads);
    const converted = Number(row.converted);
    return {
      leads,
      contacted: Number(row.contacted),
      qualified: Number(row.qualified),
      converted,
      signups: Number(row.signups),
      conversionRate: conversionRate(converted, leads),
    };
  });
}

/** converted ÷ leads × 100, to 2 decimals; 0 without leads. */
export function conversionRate(converted: number, leads: number): number {
  return leads ? Math.round((converted / leads) * 10_000) / 100 : 0;
}

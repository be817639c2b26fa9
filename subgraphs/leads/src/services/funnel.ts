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
 * A campaign's leads by how far they got (each stage counts the leads at it or beyond; LOST ones
 * count as leads only) and its signups, in one statement.
 */
export async function campaignFunnel(em: EntityManager, campaignId: string): Promise<Funnel> {
  const [row] = await em.execute<{ leads: string; contacted: string; qualified: string; converted: string; signups: string }[]>(
    `select count(*) as leads,
            count(*) filter (where status in ('CONTACTED', 'QUALIFIED', 'CONVERTED')) as contacted,
            count(*) filter (where status in ('QUALIFIED', 'CONVERTED')) as qualified,
            count(*) filter (where status = 'CONVERTED') as converted,
            (select count(*) from leads.signups where campaign_id = ?) as signups
       from leads.leads where campaign_id = ?`,
    [campaignId, campaignId],
  );
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
}

/** converted ÷ leads × 100, to 2 decimals; 0 without leads. */
export function conversionRate(converted: number, leads: number): number {
  return leads ? Math.round((converted / leads) * 10_000) / 100 : 0;
}

import type { EntityManager } from "@mikro-orm/postgresql";
import type { SubgraphContext } from "@solo/kit";
import { loaderById } from "@solo/kit";
import DataLoader from "dataloader";
import { Campaign, Lead, LeadExport, LeadSignal, ScoreChange } from "./entities";
import { campaignFunnels } from "./services/funnel";

/** Per request: every list or reference in a response costs one query per kind, not per item. */
export function createLoaders(em: EntityManager) {
  return {
    leadById: loaderById((ids) => em.find(Lead, { id: { $in: [...ids] } })),
    campaignById: loaderById((ids) => em.find(Campaign, { id: { $in: [...ids] } })),
    funnelByCampaign: new DataLoader((ids: readonly string[]) => campaignFunnels(em, ids)),
    exportById: loaderById((ids) => em.find(LeadExport, { id: { $in: [...ids] } })),
    signalsByLead: new DataLoader<string, LeadSignal[]>(async (ids) => {
      const rows = await em.find(LeadSignal, { leadId: { $in: [...ids] } }, { orderBy: { leadId: "asc", name: "asc" } });
      return ids.map((id) => rows.filter((row) => row.leadId === id));
    }),
    historyByLead: new DataLoader<string, ScoreChange[]>(async (ids) => {
      const rows = await em.find(ScoreChange, { leadId: { $in: [...ids] } }, { orderBy: { leadId: "asc", at: "asc", id: "asc" } });
      return ids.map((id) => rows.filter((row) => row.leadId === id));
    }),
    /** An owner's leads counted by score: a lead's rank is 1 + those scoring higher (ties share a rank). */
    scoreCountsByOwner: new DataLoader<string, Map<number, number>>(async (owners) => {
      const rows = await em.execute<{ owner_id: string; score: number; n: string }[]>(
        `select owner_id, score, count(*) as n from leads.leads where owner_id = any(array[?]::uuid[]) group by owner_id, score`,
        [[...owners]],
      );
      return owners.map((owner) => new Map(rows.filter((row) => row.owner_id === owner).map((row) => [row.score, Number(row.n)])));
    }),
  };
}

type LeadsLoaders = ReturnType<typeof createLoaders>;

/** What every leads resolver receives per request (the kit's context, with these loaders). */
export type LeadsContext = SubgraphContext<LeadsLoaders>;

/** 1 + how many of the owner's leads score higher. */
export function rankIn(counts: Map<number, number>, score: number): number {
  let higher = 0;
  for (const [other, n] of counts) if (other > score) higher += n;
  return higher + 1;
}

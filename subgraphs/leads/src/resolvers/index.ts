import { isAdmin, isCaller } from "@solo/kit";
import type { Campaign, Lead, LeadExport } from "../entities";
import type { LeadsContext } from "../loaders";
import { CampaignResolver, SignupResolver } from "./campaign.resolver";
import { LeadExportResolver } from "./export.resolver";
import { LeadImportResolver } from "./import.resolver";
import { LeadResolver } from "./lead.resolver";
import { ScoringResolver } from "./scoring.resolver";
import { LeadSubscriptions } from "./subscription.resolver";

export const resolvers = [LeadResolver, ScoringResolver, CampaignResolver, SignupResolver, LeadExportResolver, LeadImportResolver, LeadSubscriptions] as const;

/** Entity resolution for other subgraphs: the owner's and admins' only, as through the graph. */
function visible<T extends { ownerId: string }>(row: T | null, ctx: LeadsContext): T | null {
  return row && (isCaller(ctx.identity, row.ownerId) || isAdmin(ctx.identity)) ? row : null;
}

export const referenceResolvers = {
  Lead: { __resolveReference: async (reference: { id: string }, ctx: LeadsContext): Promise<Lead | null> => visible(await ctx.loaders.leadById.load(reference.id), ctx) },
  Campaign: {
    __resolveReference: async (reference: { id: string }, ctx: LeadsContext): Promise<Campaign | null> => visible(await ctx.loaders.campaignById.load(reference.id), ctx),
  },
  LeadExport: {
    __resolveReference: async (reference: { id: string }, ctx: LeadsContext): Promise<LeadExport | null> => visible(await ctx.loaders.exportById.load(reference.id), ctx),
  },
};

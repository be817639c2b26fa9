import { isUuid, notFound, ownerOrAdmin } from "@solo/kit";
import type { Campaign, Lead, LeadExport } from "./entities";
import type { LeadsContext } from "./loaders";

/**
 * The leads subgraph's access policies, declared on the fields they guard (`@Access({ policy })`).
 * Leads, campaigns and exports are their owner's and admins' only: for anyone else they do not
 * exist (NOT_FOUND), so ids cannot be probed. Each loads its subject through the request's loaders.
 */

export const leadOwnerOrAdmin = ownerOrAdmin<LeadsContext, Lead, unknown, { id: string }>("leadOwnerOrAdmin", {
  subject: ({ args, context }) => (isUuid(args.id) ? context.loaders.leadById.load(args.id) : Promise.resolve(null)),
  ownerOf: (lead) => lead.ownerId,
  missing: () => notFound("Lead"),
});

/** A campaign named by `id` or `input.campaignId`. */
export const campaignOwnerOrAdmin = ownerOrAdmin<LeadsContext, Campaign, unknown, { id?: string; input?: { campaignId?: string } }>("campaignOwnerOrAdmin", {
  subject: ({ args, context }) => {
    const id = args.id ?? args.input?.campaignId;
    return id && isUuid(id) ? context.loaders.campaignById.load(id) : Promise.resolve(null);
  },
  ownerOf: (campaign) => campaign.ownerId,
  missing: () => notFound("Campaign"),
});

export const exportOwnerOrAdmin = ownerOrAdmin<LeadsContext, LeadExport, unknown, { id: string }>("exportOwnerOrAdmin", {
  subject: ({ args, context }) => (isUuid(args.id) ? context.loaders.exportById.load(args.id) : Promise.resolve(null)),
  ownerOf: (leadExport) => leadExport.ownerId,
  missing: () => notFound("Lead export"),
});

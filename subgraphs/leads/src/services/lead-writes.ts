import { UniqueConstraintViolationException } from "@mikro-orm/core";
import { badInput, conflict, isUuid } from "@solo/kit";
import { Lead, LeadSignal } from "../entities";
import type { LeadsContext } from "../loaders";
import { checkLinkedinUrl, checkSignal, normalizeEmail } from "./lead-input";
import { scoreLeads } from "./scoring";

export interface NewLead {
  name: string;
  email?: string | null;
  title?: string | null;
  company?: string | null;
  location?: string | null;
  linkedinUrl?: string | null;
  source?: string | null;
  campaignId?: string | null;
  signals?: { name: string; value: number }[] | null;
}

/** A campaign the lead may name: one of the lead's owner's (else as if it did not exist). */
async function requireOwnCampaign(ctx: LeadsContext, ownerId: string, campaignId: string): Promise<void> {
  const campaign = isUuid(campaignId) ? await ctx.loaders.campaignById.load(campaignId) : null;
  if (!campaign || campaign.ownerId !== ownerId) throw badInput("campaignId must name a campaign of yours", "campaignId");
}

/** Checks, stores and scores a new lead with its signals, in one transaction. */
export async function createLead(ctx: LeadsContext, ownerId: string, input: NewLead, now: Date): Promise<Lead> {
  const signals = input.signals ?? [];
  const names = new Set<string>();
  for (const signal of signals) {
    checkSignal(signal.name, signal.value);
    if (names.has(signal.name)) throw badInput(`signals: ${signal.name} is given twice`, "signals");
    names.add(signal.name);
  }
  checkLinkedinUrl(input.linkedinUrl);
  if (input.campaignId) await requireOwnCampaign(ctx, ownerId, input.campaignId);
  const lead = ctx.em.create(Lead, {
    ownerId,
    name: input.name.trim(),
    email: normalizeEmail(input.email),
    title: input.title?.trim() || null,
    company: input.company?.trim() || null,
    location: input.location?.trim() || null,
    linkedinUrl: input.linkedinUrl || null,
    source: input.source?.trim() || null,
    campaignId: input.campaignId ?? null,
    createdAt: now,
    updatedAt: now,
  });
  try {
    await ctx.em.transactional(async (tx) => {
      tx.persist(lead);
      for (const signal of signals) tx.persist(tx.create(LeadSignal, { leadId: lead.id, name: signal.name, value: signal.value }));
      await tx.flush();
      await scoreLeads(tx, ownerId, [lead.id], now);
    });
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) throw conflict("You have a lead with this email already");
    throw error;
  }
  return (await ctx.em.fork().findOne(Lead, { id: lead.id }))!;
}

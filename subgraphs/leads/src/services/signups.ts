import { accountByEmailRoute } from "@solo/users/internal-api";
import { callInternal, queueAudit } from "@solo/kit";
import type { Campaign } from "../entities";
import { Lead, LeadStatus, Signup } from "../entities";
import type { LeadsContext } from "../loaders";
import type { LeadsServices } from ".";

/**
 * A signup through a campaign: the campaign owner's lead with that email (without case) becomes
 * CONVERTED, linked to the account with that email if users has one. Users unreachable: the
 * signup and the conversion are kept, unlinked (the link is a convenience, the signup is not).
 */
export async function recordSignup(
  ctx: LeadsContext,
  campaign: Campaign,
  input: { email: string; name?: string | null },
  services: Pick<LeadsServices, "clock" | "peers" | "logger">,
): Promise<{ signup: Signup; lead: Lead | null }> {
  const email = input.email.trim();
  const userId = await accountIdFor(email, services);
  const now = services.clock.now();
  return ctx.em.transactional(async (tx) => {
    // By lower(email): the index that keeps one lead per email per owner.
    const [match] = await tx.execute<{ id: string }[]>(`select id from leads.leads where owner_id = ? and lower(email) = lower(?) for update`, [campaign.ownerId, email]);
    const lead = match ? await tx.findOne(Lead, { id: match.id }) : null;
    if (lead) {
      if (lead.status !== LeadStatus.CONVERTED)
        queueAudit(tx, ctx, "lead.status_changed", { type: "Lead", id: lead.id }, { from: lead.status, to: LeadStatus.CONVERTED });
      lead.status = LeadStatus.CONVERTED;
      lead.convertedUserId = userId ?? lead.convertedUserId;
      lead.campaignId ??= campaign.id;
      lead.updatedAt = now;
    }
    const signup = tx.create(Signup, { campaignId: campaign.id, email, name: input.name?.trim() || null, leadId: lead?.id ?? null, userId, createdAt: now });
    return { signup, lead: lead ?? null };
  });
}

async function accountIdFor(email: string, services: Pick<LeadsServices, "peers" | "logger">): Promise<string | null> {
  const url = services.peers.url("users");
  if (!url) return null;
  try {
    const answer = await callInternal(accountByEmailRoute, url, { email }, { caller: "leads" });
    return answer.status === 200 ? answer.body.id : null;
  } catch (error) {
    services.logger.warn({ err: error }, "could not ask users for the account of a signup's email");
    return null;
  }
}

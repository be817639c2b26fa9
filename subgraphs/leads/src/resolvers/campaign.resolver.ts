import type { Row } from "@solo/kit";
import { Access, badInput, paginate, signedInCaller } from "@solo/kit";
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { Campaign, Lead, Signup } from "../entities";
import type { LeadsContext } from "../loaders";
import { campaignOwnerOrAdmin } from "../policies";
import type { LeadsServices } from "../services";
import { recordSignup } from "../services/signups";
import { CampaignConnection, CampaignFunnel, CampaignInput, SignupInput } from "./types";

const MARKETERS = ["MARKETER", "ADMIN"] as const;

@Resolver(() => Campaign)
export class CampaignResolver {
  constructor(private readonly services: LeadsServices) {}

  @Access({ roles: [...MARKETERS] })
  @Mutation(() => Campaign, { description: "Start tracking a campaign" })
  async createCampaign(@Arg("input", { description: "The new campaign" }) input: CampaignInput, @Ctx() ctx: LeadsContext): Promise<Campaign> {
    if (input.endsAt && input.endsAt <= input.startsAt) throw badInput("endsAt must be after startsAt", "endsAt");
    const campaign = ctx.em.create(Campaign, {
      ownerId: signedInCaller(ctx.identity).userId,
      name: input.name.trim(),
      channel: input.channel.trim(),
      startsAt: input.startsAt,
      endsAt: input.endsAt ?? null,
      createdAt: this.services.clock.now(),
    });
    await ctx.em.flush();
    return campaign;
  }

  @Access({ roles: [...MARKETERS], scope: "leads:read" })
  @Query(() => CampaignConnection, { description: "Your campaigns, newest first, a page at a time" })
  campaigns(
    @Arg("first", () => Int, { description: "Page size: 0 to 100, 20 by default", nullable: true }) first: number | null,
    @Arg("after", () => String, { description: "Cursor from a previous page's pageInfo.endCursor: the page starts after it", nullable: true }) after: string | null,
    @Ctx() ctx: LeadsContext,
  ): Promise<CampaignConnection> {
    return paginate(ctx.em, Campaign, { ownerId: signedInCaller(ctx.identity).userId }, { first, after, direction: "desc" });
  }

  @Access({ scope: "leads:read", policy: campaignOwnerOrAdmin })
  @Query(() => Campaign, { nullable: true, description: "One of your campaigns (any, for admins)" })
  campaign(@Arg("id", () => ID, { description: "The campaign's id" }) id: string, @Ctx() ctx: LeadsContext): Promise<Campaign | null> {
    return ctx.loaders.campaignById.load(id);
  }

  @FieldResolver(() => CampaignFunnel, { description: "Its leads by stage, and its signups, now" })
  funnel(@Root() campaign: Row<Campaign>, @Ctx() ctx: LeadsContext): Promise<CampaignFunnel> {
    return ctx.loaders.funnelByCampaign.load(campaign.id);
  }

  @Access({ scope: "leads:write", policy: campaignOwnerOrAdmin })
  @Mutation(() => Signup, { description: "Someone signed up through a campaign: their lead (same email) is CONVERTED" })
  async recordSignup(@Arg("input", { description: "The signup" }) input: SignupInput, @Ctx() ctx: LeadsContext): Promise<Signup> {
    const campaign = (await ctx.loaders.campaignById.load(input.campaignId))!;
    const { signup, lead } = await recordSignup(ctx, campaign, input, this.services);
    if (lead) await this.services.events.pipelineChanged(lead.ownerId);
    return signup;
  }
}

@Resolver(() => Signup)
export class SignupResolver {
  @FieldResolver(() => Lead, { nullable: true, description: "The lead with the signup's email, if any" })
  lead(@Root() signup: Signup, @Ctx() ctx: LeadsContext): Promise<Lead | null> {
    return signup.leadId ? ctx.loaders.leadById.load(signup.leadId) : Promise.resolve(null);
  }
}

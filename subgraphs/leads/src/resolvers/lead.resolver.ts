import { Access, queueAudit, signedInCaller } from "@solo/kit";
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { Lead, LeadSignal, LeadStatus, ScoreChange, User, userRef } from "../entities";
import type { LeadsContext } from "../loaders";
import { rankIn } from "../loaders";
import { leadOwnerOrAdmin } from "../policies";
import type { LeadsServices } from "../services";
import { createLead } from "../services/lead-writes";
import { listLeads } from "../services/lead-listing";
import { LeadConnection, LeadFilter, LeadInput, LeadOrder } from "./types";

const MARKETERS = ["MARKETER", "ADMIN"] as const;

@Resolver(() => Lead)
export class LeadResolver {
  constructor(private readonly services: LeadsServices) {}

  @Access({ roles: [...MARKETERS], scope: "leads:write" })
  @Mutation(() => Lead, { description: "Add a lead of your own (scored by your weights); an email you have already is CONFLICT" })
  async createLead(@Arg("input", { description: "The new lead" }) input: LeadInput, @Ctx() ctx: LeadsContext): Promise<Lead> {
    const lead = await createLead(ctx, signedInCaller(ctx.identity).userId, input, this.services.clock.now());
    await this.services.events.pipelineChanged(lead.ownerId);
    return lead;
  }

  @Access({ roles: [...MARKETERS], scope: "leads:read" })
  @Query(() => LeadConnection, { description: "Your leads, filtered and ordered (newest first by default), a page at a time" })
  leads(
    @Arg("filter", () => LeadFilter, { description: "Only leads matching this", nullable: true }) filter: LeadFilter | null,
    @Arg("orderBy", () => LeadOrder, { description: "The order; newest first when omitted", nullable: true }) orderBy: LeadOrder | null,
    @Arg("first", () => Int, { description: "Page size: 0 to 100, 20 by default", nullable: true }) first: number | null,
    @Arg("after", () => String, { description: "Cursor from a previous page's pageInfo.endCursor, for the same orderBy: the page starts after it", nullable: true })
    after: string | null,
    @Ctx() ctx: LeadsContext,
  ): Promise<LeadConnection> {
    return listLeads(ctx.em, signedInCaller(ctx.identity).userId, { filter, orderBy, first, after });
  }

  @Access({ scope: "leads:read", policy: leadOwnerOrAdmin })
  @Query(() => Lead, { nullable: true, description: "One of your leads (any, for admins)" })
  lead(@Arg("id", () => ID, { description: "The lead's id" }) id: string, @Ctx() ctx: LeadsContext): Promise<Lead | null> {
    return ctx.loaders.leadById.load(id);
  }

  @Access({ policy: leadOwnerOrAdmin })
  @Mutation(() => Lead, { description: "Move a lead along the pipeline" })
  async updateLeadStatus(
    @Arg("id", () => ID, { description: "A lead of yours (any, for admins)" }) id: string,
    @Arg("status", () => LeadStatus, { description: "The new status" }) status: LeadStatus,
    @Ctx() ctx: LeadsContext,
  ): Promise<Lead> {
    const lead = (await ctx.loaders.leadById.load(id))!;
    if (lead.status === status) return lead;
    const from = lead.status;
    lead.status = status;
    lead.updatedAt = this.services.clock.now();
    queueAudit(ctx.em, ctx, "lead.status_changed", { type: "Lead", id: lead.id }, { from, to: status });
    await ctx.em.flush();
    await this.services.events.pipelineChanged(lead.ownerId);
    return lead;
  }

  @FieldResolver(() => Int, { description: "Position by score among the owner's leads (1 is best; ties share a rank)" })
  async rank(@Root() lead: Lead, @Ctx() ctx: LeadsContext): Promise<number> {
    return rankIn(await ctx.loaders.scoreCountsByOwner.load(lead.ownerId), lead.score);
  }

  @FieldResolver(() => [LeadSignal], { description: "The lead's signals, which its score weighs" })
  signals(@Root() lead: Lead, @Ctx() ctx: LeadsContext): Promise<LeadSignal[]> {
    return ctx.loaders.signalsByLead.load(lead.id);
  }

  @FieldResolver(() => [ScoreChange], { description: "Every score the lead has had, oldest first" })
  scoreHistory(@Root() lead: Lead, @Ctx() ctx: LeadsContext): Promise<ScoreChange[]> {
    return ctx.loaders.historyByLead.load(lead.id);
  }

  @FieldResolver(() => User, { nullable: true, description: "The account that signed up with the lead's email" })
  convertedUser(@Root() lead: Lead): User | null {
    return lead.convertedUserId ? userRef(lead.convertedUserId) : null;
  }

  @FieldResolver(() => User, { description: "The account whose lead it is (a marketer or an admin)" })
  owner(@Root() lead: Lead): User {
    return userRef(lead.ownerId);
  }
}

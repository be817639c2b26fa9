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
  async createLead(@Arg("input") input: LeadInput, @Ctx() ctx: LeadsContext): Promise<Lead> {
    const lead = await createLead(ctx, signedInCaller(ctx.identity).userId, input, this.services.clock.now());
    await this.services.events.pipelineChanged(lead.ownerId);
    return lead;
  }

  @Access({ roles: [...MARKETERS], scope: "leads:read" })
  @Query(() => LeadConnection, { description: "Your leads, filtered and ordered (newest first by default), a page at a time" })
  leads(
    @Arg("filter", () => LeadFilter, { nullable: true }) filter: LeadFilter | null,
    @Arg("orderBy", () => LeadOrder, { nullable: true }) orderBy: LeadOrder | null,
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: LeadsContext,
  ): Promise<LeadConnection> {
    return listLeads(ctx.em, signedInCaller(ctx.identity).userId, { filter, orderBy, first, after });
  }

  @Access({ scope: "leads:read", policy: leadOwnerOrAdmin })
  @Query(() => Lead, { nullable: true, description: "One of your leads (any, for admins)" })
  lead(@Arg("id", () => ID) id: string, @Ctx() ctx: LeadsContext): Promise<Lead | null> {
    return ctx.loaders.leadById.load(id);
  }

  @Access({ policy: leadOwnerOrAdmin })
  @Mutation(() => Lead, { description: "Move a lead along the pipeline" })
  async updateLeadStatus(@Arg("id", () => ID) id: string, @Arg("status", () => LeadStatus) status: LeadStatus, @Ctx() ctx: LeadsContext): Promise<Lead> {
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

  @FieldResolver(() => [LeadSignal])
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

  @FieldResolver(() => User)
  owner(@Root() lead: Lead): User {
    return userRef(lead.ownerId);
  }
}

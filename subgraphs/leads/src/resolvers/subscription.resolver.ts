import { GraphQLError } from "graphql";
import { Access } from "@solo/kit";
import { Arg, Ctx, Directive, ID, Query, Resolver, Root, Subscription } from "type-graphql";
import { Lead, LeadImport } from "../entities";
import type { LeadsContext } from "../loaders";
import { signedInCaller } from "@solo/kit";
import { LeadPipelineEvent } from "./types";

/**
 * Declared here so they compose and codegen sees them; the gateway serves them over graphql-ws.
 * Each `live:` tag names the query that reads the current value with the same arguments: on every
 * event under the field's topic the gateway runs the subscriber's selection through that query, as
 * the subscriber. `leadPipelineUpdated` has no arguments: `live-topic:owner` has the gateway key
 * its topic by the subscriber, so an owner's changes wake that owner's streams only.
 * `leadImportProgress` may start before its import does (`live-empty:wait`): `leadImport` reads the
 * caller's own imports only, so its null says "not started", never "someone else's".
 */
const servedByGateway = () => {
  throw new GraphQLError("Subscriptions are served by the gateway over graphql-ws", { extensions: { code: "BAD_REQUEST" } });
};
const MARKETERS = ["MARKETER", "ADMIN"] as const;

@Resolver()
export class LeadSubscriptions {
  @Access({ roles: [...MARKETERS], scope: "leads:read" })
  @Query(() => LeadPipelineEvent, { nullable: true, description: "Your lead that changed last (status or score): what leadPipelineUpdated delivers" })
  async leadPipelineLatest(@Ctx() ctx: LeadsContext): Promise<LeadPipelineEvent | null> {
    const [lead] = await ctx.em.find(Lead, { ownerId: signedInCaller(ctx.identity).userId }, { orderBy: { updatedAt: "desc", id: "desc" }, limit: 1 });
    return lead ? { leadId: lead.id, status: lead.status, score: lead.score, at: lead.updatedAt, lead } : null;
  }

  @Access({ roles: [...MARKETERS], scope: "leads:read" })
  @Directive('@tag(name: "live:leadPipelineLatest")')
  @Directive('@tag(name: "live-topic:owner")')
  @Subscription(() => LeadPipelineEvent, { subscribe: servedByGateway, description: "Your leads' status and score changes, live" })
  leadPipelineUpdated(@Root() event: LeadPipelineEvent): LeadPipelineEvent {
    return event;
  }

  @Access({ roles: [...MARKETERS] })
  @Directive('@tag(name: "live:leadImport")')
  @Directive('@tag(name: "live-empty:wait")')
  @Subscription(() => LeadImport, { subscribe: servedByGateway, description: "Your import of this upload as it runs: rows processed, for a progress bar" })
  leadImportProgress(
    @Arg("assetId", () => ID, { description: "The LEAD_IMPORT upload given to importLeads" }) _assetId: string,
    @Root() progress: LeadImport,
  ): LeadImport {
    return progress;
  }
}

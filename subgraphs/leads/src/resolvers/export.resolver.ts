import { Access, signedInCaller } from "@solo/kit";
import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { ExportFormat, ExportStatus, LeadExport } from "../entities";
import type { LeadsContext } from "../loaders";
import { exportOwnerOrAdmin } from "../policies";
import type { LeadsServices } from "../services";
import { filterConditions } from "../services/lead-listing";
import { exportDownloadUrl } from "../exports/download";
import { LeadFilter } from "./types";

const MARKETERS = ["MARKETER", "ADMIN"] as const;

@Resolver(() => LeadExport)
export class LeadExportResolver {
  constructor(private readonly services: LeadsServices) {}

  @Access({ roles: [...MARKETERS] })
  @Mutation(() => LeadExport, { description: "Export your leads (those the filter matches) to a file, in the background" })
  async exportLeads(
    @Arg("filter", () => LeadFilter, { description: "Only leads matching this; all your leads when omitted", nullable: true }) filter: LeadFilter | null,
    @Arg("format", () => ExportFormat, { description: "The file's format" }) format: ExportFormat,
    @Ctx() ctx: LeadsContext,
  ): Promise<LeadExport> {
    const ownerId = signedInCaller(ctx.identity).userId;
    // A filter the job could not run is refused now, not when the job takes it up.
    filterConditions(ownerId, filter);
    const leadExport = ctx.em.create(LeadExport, {
      ownerId,
      format,
      filter: filter ? { ...filter } : null,
      createdAt: this.services.clock.now(),
    });
    // The commit wakes the export job (it is woken by LeadExport rows).
    await ctx.em.flush();
    return leadExport;
  }

  @Access({ scope: "leads:read", policy: exportOwnerOrAdmin })
  @Query(() => LeadExport, { nullable: true, description: "One of your exports, with its progress" })
  leadExport(@Arg("id", () => ID, { description: "The export's id" }) id: string, @Ctx() ctx: LeadsContext): Promise<LeadExport | null> {
    return ctx.loaders.exportById.load(id);
  }

  @FieldResolver(() => String, { nullable: true, description: "A short-lived signed download once READY" })
  downloadUrl(@Root() leadExport: LeadExport): Promise<string> | null {
    if (leadExport.status !== ExportStatus.READY || !leadExport.objectKey) return null;
    return exportDownloadUrl(this.services.storage, leadExport);
  }
}

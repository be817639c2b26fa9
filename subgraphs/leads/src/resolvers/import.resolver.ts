import { Access, signedInCaller } from "@solo/kit";
import { Arg, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import { LeadImport } from "../entities";
import type { LeadsContext } from "../loaders";
import type { LeadsServices } from "../services";
import { importLeadsFromUpload } from "../imports/import-leads";
import { ImportResult } from "./types";

const MARKETERS = ["MARKETER", "ADMIN"] as const;

@Resolver(() => LeadImport)
export class LeadImportResolver {
  constructor(private readonly services: LeadsServices) {}

  @Access({ roles: [...MARKETERS] })
  @Mutation(() => ImportResult, {
    description: "Import leads from a CSV you uploaded (purpose LEAD_IMPORT); leadImportProgress(assetId) reports rows as they go",
  })
  importLeads(
    @Arg("assetId", () => ID, {
      description:
        "A READY LEAD_IMPORT upload of yours: a CSV whose first row names its columns (name required; email, title, company, location, linkedin_url, source, signal:<name>)",
    })
    assetId: string,
    @Ctx() ctx: LeadsContext,
  ): Promise<ImportResult> {
    return importLeadsFromUpload(ctx, this.services, signedInCaller(ctx.identity).userId, assetId);
  }

  @Access({ roles: [...MARKETERS] })
  @Query(() => LeadImport, { nullable: true, description: "Your latest import of this upload, as it runs or as it ended" })
  leadImport(
    @Arg("assetId", () => ID, { description: "The LEAD_IMPORT upload given to importLeads" }) assetId: string,
    @Ctx() ctx: LeadsContext,
  ): Promise<LeadImport | null> {
    return ctx.em.findOne(LeadImport, { assetId, ownerId: signedInCaller(ctx.identity).userId }, { orderBy: { startedAt: "desc", id: "desc" } });
  }
}

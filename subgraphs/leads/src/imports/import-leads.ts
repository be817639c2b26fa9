import { apiError } from "@solo/kit";
import type { LeadsContext } from "../loaders";
import type { LeadsServices } from "../services";
import type { ImportResult } from "../resolvers/types";

/** PLACEHOLDER (being built on branch leads-import): streams the upload's CSV into leads. */
export function importLeadsFromUpload(_ctx: LeadsContext, _services: LeadsServices, _ownerId: string, _assetId: string): Promise<ImportResult> {
  return Promise.reject(apiError("SERVICE_UNAVAILABLE", "Imports are not available yet"));
}

import { badInput, callerId, isUuid } from "@solo/kit";
import type { MediaAsset, UploadPurpose } from "../entities";
import { AssetStatus } from "../entities";
import type { ContentContext } from "../context";

/**
 * An asset the caller may attach: theirs, uploaded and checked (READY), and uploaded for this
 * purpose. Anything else is the caller's mistake, reported against the input field.
 */
export async function requireOwnReadyAsset(ctx: ContentContext, assetId: string, purpose: UploadPurpose, field: string): Promise<MediaAsset> {
  const asset = isUuid(assetId) ? await ctx.loaders.assetById.load(assetId) : null;
  if (!asset || asset.ownerId !== callerId(ctx.identity) || asset.status !== AssetStatus.READY || asset.purpose !== purpose) {
    throw badInput(`${field} must name one of your uploads for ${purpose} that has completed (status READY)`, field);
  }
  return asset;
}

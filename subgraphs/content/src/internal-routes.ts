import type { InternalRoute } from "@solo/kit";
import { implement, refuse } from "@solo/kit";
import { AssetStatus, MediaAsset } from "./entities";
import { contentLookupRoute, verifyAssetRoute } from "./internal-api";
import { lookupContent } from "./internal-lookup";
import type { ContentServices } from "./services";

/**
 * For other subgraphs: whether an asset may become an avatar (users), and what content a caller
 * may see (assessments). Declared in ./internal-api, where callers import them.
 */
export const internalRoutes: InternalRoute<ContentServices>[] = [
  implement(verifyAssetRoute, async ({ body: { assetId, ownerId, purpose }, em }) => {
    const asset = await em.findOne(MediaAsset, { id: assetId, ownerId, purpose, status: AssetStatus.READY });
    return asset ? { id: asset.id } : refuse(404);
  }),

  implement(contentLookupRoute, async ({ body, em, actingFor }) => {
    const identity = await actingFor();
    if (identity.kind === "apiKey" && !identity.scopes.includes("content:read")) return refuse(403);
    return lookupContent(em, identity, body);
  }),
];

import type { InternalRoute } from "@solo/kit";
import { implement, refuse } from "@solo/kit";
import { AssetStatus, MediaAsset } from "./entities";
import { assetDownloadRoute, contentLookupRoute, verifyAssetRoute } from "./internal-api";
import { lookupContent } from "./internal-lookup";
import type { ContentServices } from "./services";

/**
 * For other subgraphs: whether an asset may become an avatar or a post's media (users, social), a
 * file to publish (social), and what content a caller may see (assessments, social). Declared in ./internal-api, where callers import them.
 */
export const internalRoutes: InternalRoute<ContentServices>[] = [
  implement(verifyAssetRoute, async ({ body: { assetId, ownerId, purpose }, em }) => {
    const asset = await em.findOne(MediaAsset, { id: assetId, ownerId, purpose, status: AssetStatus.READY });
    return asset ? { id: asset.id } : refuse(404);
  }),

  implement(assetDownloadRoute, async ({ body: { assetId, ownerId, purpose }, em }, { storage }) => {
    const asset = await em.findOne(MediaAsset, { id: assetId, ownerId, purpose, status: AssetStatus.READY });
    if (!asset) return refuse(404);
    return { id: asset.id, url: await storage.downloadUrl(asset.key, { contentType: asset.contentType }), contentType: asset.contentType };
  }),

  implement(contentLookupRoute, async ({ body, em, actingFor }) => {
    const identity = await actingFor();
    if (identity.kind === "apiKey" && !identity.scopes.includes("content:read")) return refuse(403);
    return lookupContent(em, identity, body);
  }),
];

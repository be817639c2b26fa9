import type { InternalRoute } from "@solo/kit";
import { isUuid } from "@solo/kit";
import { AssetStatus, MediaAsset, UploadPurpose } from "./entities";
import { lookupContent } from "./internal-lookup";
import type { ContentServices } from "./services";

/**
 * For other subgraphs: whether an asset may become an avatar (users), and what content a caller
 * may see (assessments).
 */
export const internalRoutes: InternalRoute<ContentServices>[] = [
  {
    path: "/internal/assets/verify",
    maxBodyBytes: 4_096,
    async handle({ body, em }) {
      const { assetId, ownerId, purpose } = (body ?? {}) as { assetId?: unknown; ownerId?: unknown; purpose?: unknown };
      const valid = isUuid(assetId) && isUuid(ownerId) && Object.values(UploadPurpose).includes(purpose as UploadPurpose);
      const asset = valid ? await em.findOne(MediaAsset, { id: assetId, ownerId, purpose: purpose as UploadPurpose, status: AssetStatus.READY }) : null;
      return asset ? { body: { id: asset.id } } : { status: 404, body: { error: "no such completed upload of that owner and purpose" } };
    },
  },
  {
    // Courses, lessons, decks and cards as the caller (the signed identity the asking subgraph
    // forwards) may see them: the assessments subgraph checks what sessions and reviews refer to.
    path: "/internal/lookup",
    maxBodyBytes: 65_536,
    async handle({ body, em, actingFor }) {
      const identity = await actingFor();
      // Content reached through another subgraph is still content: an API key needs content:read.
      if (identity.kind === "apiKey" && !identity.scopes.includes("content:read")) {
        return { status: 403, body: { error: 'this API key lacks the scope "content:read"' } };
      }
      return { body: await lookupContent(em, identity, body ?? {}) };
    },
  },
];

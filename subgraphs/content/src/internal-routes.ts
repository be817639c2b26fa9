import express, { Express } from "express";
import { IDENTITY_HEADER, Orm, internalOnly, isUuid, verifyIdentity } from "@solo/kit";
import { AssetStatus, MediaAsset, UploadPurpose } from "./entities";
import { lookupContent } from "./internal-lookup";

/**
 * For other subgraphs: whether an asset may become an avatar (users), and what content a caller
 * may see (assessments).
 */
export function mountInternalRoutes(app: Express, orm: Orm): void {
  app.post("/internal/assets/verify", express.json({ limit: "4kb" }), internalOnly, async (req, res) => {
    const { assetId, ownerId, purpose } = req.body ?? {};
    const valid = isUuid(assetId) && isUuid(ownerId) && Object.values(UploadPurpose).includes(purpose);
    const asset = valid
      ? await orm.em.fork().findOne(MediaAsset, { id: assetId, ownerId, purpose, status: AssetStatus.READY })
      : null;
    if (asset) res.json({ id: asset.id });
    else res.status(404).json({ error: "no such completed upload of that owner and purpose" });
  });

  // Courses, lessons, decks and cards as the caller (the signed identity the asking subgraph
  // forwards) may see them: the assessments subgraph checks what sessions and reviews refer to.
  app.post("/internal/lookup", express.json({ limit: "64kb" }), internalOnly, async (req, res) => {
    const identity = await verifyIdentity(req.header(IDENTITY_HEADER));
    // Content reached through another subgraph is still content: an API key needs content:read.
    if (identity.kind === "apiKey" && !identity.scopes.includes("content:read")) {
      res.status(403).json({ error: 'this API key lacks the scope "content:read"' });
      return;
    }
    res.json(await lookupContent(orm, identity, req.body ?? {}));
  });
}

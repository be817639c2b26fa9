import express, { Express } from "express";
import { Orm, internalOnly, isUuid } from "@solo/kit";
import { AssetStatus, MediaAsset, UploadPurpose } from "./entities";

/**
 * For other subgraphs: "is this asset the caller's, complete, and uploaded for this purpose?"
 * (the users subgraph asks before it sets an avatar).
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
}

import express, { Express } from "express";
import { Orm, verifyServiceToken } from "@solo/kit";
import { verifyApiKey } from "./services/api-keys";

/**
 * Not part of the graph: the gateway resolves an API key here once per request. Only callers
 * holding the internal secret may ask, so this cannot be used to probe keys from outside.
 */
export function mountInternalRoutes(app: Express, orm: Orm): void {
  app.post("/internal/api-keys/verify", express.json({ limit: "4kb" }), async (req, res) => {
    const caller = await verifyServiceToken(req.header("authorization")?.replace(/^Bearer /i, ""));
    if (!caller) {
      res.status(401).json({ error: "unauthorised" });
      return;
    }
    const key = typeof req.body?.key === "string" ? req.body.key : "";
    const verified = await verifyApiKey(orm.em.fork(), key);
    if (!verified) {
      res.status(404).json({ error: "unknown or revoked key" });
      return;
    }
    res.json(verified);
  });
}

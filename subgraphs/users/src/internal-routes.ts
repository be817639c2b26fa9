import express, { Express, Request, Response } from "express";
import { Orm, isUuid, verifyServiceToken } from "@solo/kit";
import { verifyApiKey } from "./services/api-keys";
import { activeSessionRole } from "./services/sessions";

/**
 * Not part of the graph: the gateway checks credentials here once per request. Only callers
 * holding the internal secret may ask, so these cannot be used to probe keys or sessions.
 */
export function mountInternalRoutes(app: Express, orm: Orm): void {
  const json = express.json({ limit: "4kb" });

  app.post("/internal/api-keys/verify", json, internalOnly, async (req, res) => {
    const key = typeof req.body?.key === "string" ? req.body.key : "";
    const verified = await verifyApiKey(orm.em.fork(), key);
    if (verified) res.json(verified);
    else res.status(404).json({ error: "unknown or revoked key" });
  });

  // An access token is only as good as its login: logged out, revoked on reuse, or the account's
  // role changed since it was signed. The answer carries the role as it is now.
  app.post("/internal/sessions/verify", json, internalOnly, async (req, res) => {
    const { sessionId, userId } = req.body ?? {};
    const role = isUuid(sessionId) && isUuid(userId) ? await activeSessionRole(orm.em.fork(), sessionId, userId) : null;
    if (role) res.json({ userId, role });
    else res.status(404).json({ error: "session ended" });
  });
}

async function internalOnly(req: Request, res: Response, next: () => void) {
  const caller = await verifyServiceToken(req.header("authorization")?.replace(/^Bearer /i, ""));
  if (caller) next();
  else res.status(401).json({ error: "unauthorised" });
}

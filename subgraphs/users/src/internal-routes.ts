import express, { Express } from "express";
import { Orm, internalOnly, isUuid } from "@solo/kit";
import { AuditLogEntry } from "./entities";
import { verifyApiKey } from "./services/api-keys";
import { activeSessionRole } from "./services/sessions";

/**
 * Not part of the graph: the gateway checks credentials here once per request, and other
 * subgraphs deliver audit events. Only callers holding the internal secret may call them.
 */
export function mountInternalRoutes(app: Express, orm: Orm): void {
  const json = express.json({ limit: "1mb" });

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

  // Audit events from other subgraphs' outboxes. Inserted by id, ignoring repeats: a relay that
  // retries after a crash delivers each event once.
  app.post("/internal/audit-events", json, internalOnly, async (req, res) => {
    const events: unknown[] = Array.isArray(req.body?.events) ? req.body.events : [];
    // Each event stands alone: malformed ones are named back, the rest stored.
    const rejected = events.filter((event) => !isAuditEvent(event)).map((event) => String((event as { id?: unknown })?.id));
    const rows = events.filter(isAuditEvent).map((event) => ({
      id: event.id,
      actorId: event.actorId ?? null,
      apiKeyId: event.apiKeyId ?? null,
      action: event.action,
      resourceType: event.resourceType,
      resourceId: event.resourceId,
      details: event.details ?? null,
      requestId: event.requestId ?? null,
      createdAt: new Date(event.createdAt),
    }));
    if (rows.length) {
      await orm.em.fork().createQueryBuilder(AuditLogEntry).insert(rows).onConflict("id").ignore().execute();
    }
    res.json({ accepted: rows.length, rejected });
  });
}

interface IncomingAuditEvent {
  id: string;
  actorId?: string | null;
  apiKeyId?: string | null;
  action: string;
  resourceType: string;
  resourceId: string;
  details?: Record<string, unknown> | null;
  requestId?: string | null;
  createdAt: string;
}

function isAuditEvent(value: unknown): value is IncomingAuditEvent {
  const event = value as IncomingAuditEvent;
  const optionalUuid = (id: unknown) => id === null || id === undefined || isUuid(id);
  return (
    typeof event === "object" &&
    event !== null &&
    isUuid(event.id) &&
    optionalUuid(event.actorId) &&
    optionalUuid(event.apiKeyId) &&
    [event.action, event.resourceType, event.resourceId].every((text) => typeof text === "string" && text.length > 0 && text.length <= 200) &&
    !Number.isNaN(Date.parse(event.createdAt))
  );
}

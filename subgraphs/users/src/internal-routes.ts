import type { InternalRoute } from "@solo/kit";
import { isUuid } from "@solo/kit";
import { AuditLogEntry } from "./entities";
import type { UsersServices } from "./services";
import { verifyApiKey } from "./services/api-keys";
import { activeSessionRole } from "./services/sessions";

/**
 * Not part of the graph: the gateway checks credentials here once per request, and other
 * subgraphs deliver audit events. Only callers holding the internal secret may call them.
 */
export const internalRoutes: InternalRoute<UsersServices>[] = [
  {
    path: "/internal/api-keys/verify",
    maxBodyBytes: 1_048_576,
    async handle({ body, em }) {
      const key = typeof (body as { key?: unknown })?.key === "string" ? (body as { key: string }).key : "";
      const verified = await verifyApiKey(em, key);
      return verified ? { body: verified } : { status: 404, body: { error: "unknown or revoked key" } };
    },
  },
  {
    // An access token is only as good as its login: logged out, revoked on reuse, or the account's
    // role changed since it was signed. The answer carries the role as it is now.
    path: "/internal/sessions/verify",
    maxBodyBytes: 1_048_576,
    async handle({ body, em }) {
      const { sessionId, userId } = (body ?? {}) as { sessionId?: unknown; userId?: unknown };
      const role = isUuid(sessionId) && isUuid(userId) ? await activeSessionRole(em, sessionId, userId) : null;
      return role ? { body: { userId, role } } : { status: 404, body: { error: "session ended" } };
    },
  },
  {
    // Audit events from other subgraphs' outboxes. Inserted by id, ignoring repeats: a relay that
    // retries after a crash delivers each event once.
    path: "/internal/audit-events",
    maxBodyBytes: 1_048_576,
    async handle({ body, em }) {
      const events: unknown[] = Array.isArray((body as { events?: unknown })?.events) ? (body as { events: unknown[] }).events : [];
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
      if (rows.length) await em.createQueryBuilder(AuditLogEntry).insert(rows).onConflict("id").ignore().execute();
      return { body: { accepted: rows.length, rejected } };
    },
  },
];

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

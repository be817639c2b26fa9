import type { AuditEvent, InternalRoute } from "@solo/kit";
import { auditEventSchema, deliverAuditEventsRoute, implement, refuse } from "@solo/kit";
import { AuditLogEntry, User } from "./entities";
import { accountByEmailRoute, verifyApiKeyRoute, verifySessionRoute } from "./internal-api";
import type { UsersServices } from "./services";
import { verifyApiKey } from "./services/api-keys";
import { normalizeEmail } from "./services/email-address";
import { activeSessionRole } from "./services/sessions";

/**
 * Not part of the graph: the gateway checks credentials here once per request, other subgraphs
 * deliver audit events, and leads links signups to accounts by email. Only callers holding the internal secret may call them; the
 * routes are declared in ./internal-api (and the kit's audit-events-api), where callers import them.
 */
export const internalRoutes: InternalRoute<UsersServices>[] = [
  implement(verifyApiKeyRoute, async ({ body, em }) => (await verifyApiKey(em, body.key)) ?? refuse(404)),

  implement(verifySessionRoute, async ({ body: { sessionId, userId }, em }) => {
    const role = await activeSessionRole(em, sessionId, userId);
    return role ? { userId, role } : refuse(404);
  }),

  implement(accountByEmailRoute, async ({ body: { email }, em }) => {
    const user = await em.findOne(User, { emailNormalized: normalizeEmail(email) }, { fields: ["id"] });
    return user ? { id: user.id } : refuse(404);
  }),

  // Audit events from other subgraphs' outboxes. Inserted by id, ignoring repeats: a relay that
  // retries after a crash delivers each event once.
  implement(deliverAuditEventsRoute, async ({ body, em }) => {
    // Each event stands alone: malformed ones are named back, the rest stored.
    const rejected: string[] = [];
    const valid: AuditEvent[] = [];
    for (const event of body.events) {
      const parsed = auditEventSchema.safeParse(event);
      if (parsed.success) valid.push(parsed.data);
      else rejected.push(event.id);
    }
    const rows = valid.map((event) => ({
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
    return { accepted: rows.length, rejected };
  }),
];

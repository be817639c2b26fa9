import type { EntityManager } from "@mikro-orm/postgresql";
import { callerId, type Identity } from "@solo/kit";
import { AuditLogEntry } from "../entities";

/**
 * Records a change in the same unit of work as the change itself: both are written by the same
 * flush, or neither is.
 */
export function recordAudit(
  em: EntityManager,
  actor: { identity: Identity; requestId?: string; userId?: string },
  action: string,
  resource: { type: string; id: string },
  details?: Record<string, unknown>,
): AuditLogEntry {
  const identity = actor.identity;
  const entry = em.create(AuditLogEntry, {
    actorId: actor.userId ?? callerId(identity),
    apiKeyId: identity.kind === "apiKey" ? identity.apiKeyId : null,
    action,
    resourceType: resource.type,
    resourceId: resource.id,
    details: details ?? null,
    requestId: actor.requestId ?? null,
    createdAt: new Date(),
  });
  em.persist(entry);
  return entry;
}

import { z } from "zod";
import { defineInternalRoute, uuidSchema } from "./internal-api";

/*
 * Declared here, not by the users subgraph that answers it: the kit owns the audit outbox and its
 * relay (the caller), and the wire format is the outbox row's. Users depends on the kit, so a
 * declaration there would make the kit import a subgraph (a cycle). Whichever subgraph a
 * descriptor's `auditOutbox.deliverTo` names implements it (today: users, where the audit log is).
 */

const text = z.string().min(1).max(200);

/** One audit event as an outbox row carries it. */
export const auditEventSchema = z.object({
  id: uuidSchema,
  actorId: uuidSchema.nullish(),
  apiKeyId: uuidSchema.nullish(),
  action: text,
  resourceType: text,
  resourceId: text,
  details: z.record(z.string(), z.unknown()).nullish(),
  requestId: z.string().max(200).nullish(),
  createdAt: z.iso.datetime({ offset: true }),
});
export type AuditEvent = z.output<typeof auditEventSchema>;

export const deliverAuditEventsRoute = defineInternalRoute({
  path: "/internal/audit-events",
  maxBodyBytes: 1_048_576,
  // Each event is checked on its own against auditEventSchema by the audit log: a malformed one is
  // named back in `rejected` (and set aside by the relay) instead of blocking the batch behind it.
  request: z.object({ events: z.array(z.looseObject({ id: z.string().max(200) })).max(1_000) }),
  response: z.object({ accepted: z.number().int().min(0), rejected: z.array(z.string()) }),
});

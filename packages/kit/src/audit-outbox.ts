import { randomUUID } from "node:crypto";
import { LockMode, OptionalProps } from "@mikro-orm/core";
import { Entity, Index, PrimaryKey, Property } from "@mikro-orm/decorators/legacy";
import type { EntityManager } from "@mikro-orm/postgresql";
import type { Identity } from "./identity";
import { deliverAuditEventsRoute } from "./audit-events-api";
import { callInternal } from "./internal-http";
import type { Logger } from "./logger";
import type { Orm } from "./orm";

/**
 * The audit log lives in the users subgraph. Other subgraphs write their audit events here, in
 * their own schema and in the same flush as the change, and a periodic relay delivers them: a
 * change is never committed without its audit row, even if users is down at that moment.
 */
@Entity({ tableName: "audit_outbox" })
@Index({ properties: ["createdAt"] })
export class AuditOutboxEntry {
  [OptionalProps]?: "actorId" | "apiKeyId" | "details" | "requestId" | "createdAt" | "rejectedAt";

  @PrimaryKey({ type: "uuid" })
  id: string = randomUUID();

  @Property({ type: "uuid", nullable: true })
  actorId: string | null = null;

  @Property({ type: "uuid", nullable: true })
  apiKeyId: string | null = null;

  @Property({ type: "text" })
  action!: string;

  @Property({ type: "text" })
  resourceType!: string;

  @Property({ type: "text" })
  resourceId!: string;

  @Property({ type: "jsonb", nullable: true })
  details: Record<string, unknown> | null = null;

  @Property({ type: "text", nullable: true })
  requestId: string | null = null;

  @Property({ type: "timestamptz" })
  createdAt: Date = new Date();

  /** Set when users refused the event as malformed: kept for inspection, no longer retried. */
  @Property({ type: "timestamptz", nullable: true })
  rejectedAt: Date | null = null;
}

/** Queues an audit event; it is written by the caller's next flush, with the change it describes. */
export function queueAudit(
  em: EntityManager,
  actor: { identity: Identity; requestId?: string },
  action: string,
  resource: { type: string; id: string },
  details?: Record<string, unknown>,
): void {
  const identity = actor.identity;
  em.create(AuditOutboxEntry, {
    actorId: identity.kind === "anonymous" ? null : identity.userId,
    apiKeyId: identity.kind === "apiKey" ? identity.apiKeyId : null,
    action,
    resourceType: resource.type,
    resourceId: resource.id,
    details: details ?? null,
    requestId: actor.requestId ?? null,
    createdAt: new Date(),
  });
}

/**
 * Delivers up to `batch` queued events to the users subgraph and deletes them once it has them.
 * Rows are claimed with FOR UPDATE SKIP LOCKED, so replicas never deliver the same row at once;
 * users inserts by id and ignores repeats, so a delivery retried after a crash is harmless.
 */
export async function deliverAuditEvents(orm: Orm, usersUrl: string, service: string, batch = 100): Promise<{ delivered: number; rejected: number }> {
  return orm.em.fork().transactional(async (em) => {
    const rows = await em.find(
      AuditOutboxEntry,
      { rejectedAt: null },
      { orderBy: { createdAt: "asc", id: "asc" }, limit: batch, lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE },
    );
    if (!rows.length) return { delivered: 0, rejected: 0 };
    const events = rows.map(({ rejectedAt: _rejectedAt, ...row }) => ({ ...row, createdAt: row.createdAt.toISOString() }));
    // Throws (InternalCallFailed) unless the audit log took them: the rows stay queued for the next run.
    const answer = await callInternal(deliverAuditEventsRoute, usersUrl, { events }, { caller: service });
    // One malformed event must not block the queue behind it: it is set aside, the rest delivered.
    const rejected = new Set(answer.body.rejected);
    for (const row of rows) {
      if (rejected.has(row.id)) row.rejectedAt = new Date();
      else em.remove(row);
    }
    return { delivered: rows.length - rejected.size, rejected: rejected.size };
  });
}

/** The kit's job in every subgraph that queues audit events (see the descriptor's `auditOutbox`). */
export const AUDIT_RELAY_JOB = "deliver-audit-events";

/**
 * Delivers the outbox to the audit log's subgraph every `intervalMs` (AUDIT_RELAY_INTERVAL_MS);
 * while that subgraph's address is unknown, events wait in the outbox.
 */
export function auditRelayJob(options: { service: string; schema: string; deliverTo: () => string | undefined; orm: Orm; logger: Logger; intervalMs: number }) {
  return {
    name: AUDIT_RELAY_JOB,
    every: () => options.intervalMs,
    run: async () => {
      const url = options.deliverTo();
      if (!url) return 0;
      const result = await deliverAuditEvents(options.orm, url, options.service);
      if (result.rejected) {
        options.logger.error({ rejected: result.rejected }, `the audit log refused malformed audit events: see ${options.schema}.audit_outbox where rejected_at is set`);
      }
      return result.delivered;
    },
  };
}

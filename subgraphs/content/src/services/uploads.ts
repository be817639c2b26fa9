import { LockMode } from "@mikro-orm/core";
import type { EntityManager } from "@mikro-orm/postgresql";
import { ObjectStorage, Orm, StoredObject, UPLOAD_URL_TTL_SECONDS, rateLimited } from "@solo/kit";
import { AssetStatus, MediaAsset, UploadPurpose } from "../entities";
import { normalizeContentType, stagingKey, storageKey } from "./upload-policy";

export interface DeclaredUpload {
  ownerId: string;
  purpose: UploadPurpose;
  filename: string;
  contentType: string;
  sizeBytes: number;
}

/**
 * A new PENDING asset, unless its owner already has `limit` in progress (RATE_LIMITED). Counting then
 * inserting would let concurrent requests all see room; a lock per owner, held until commit, makes
 * each one count the rows of those before it, on every replica.
 */
export async function reservePendingUpload(em: EntityManager, upload: DeclaredUpload, limit: number): Promise<MediaAsset> {
  return em.transactional(async (tx) => {
    await tx
      .getConnection()
      .execute("select pg_advisory_xact_lock(hashtextextended(?, 0))", [`content.pending-uploads:${upload.ownerId}`], "all", tx.getTransactionContext());
    const pending = await tx.count(MediaAsset, { ownerId: upload.ownerId, status: AssetStatus.PENDING });
    if (pending >= limit) {
      throw rateLimited(`You have ${pending} uploads in progress (complete them, or wait for them to expire)`, UPLOAD_URL_TTL_SECONDS * 1000);
    }
    const asset = tx.create(MediaAsset, { ...upload, key: "" });
    asset.key = storageKey(asset.ownerId, asset.purpose, asset.id);
    return asset;
  });
}

export type CompletionOutcome =
  | { status: "missing" }
  | { status: "gone" }
  | { status: AssetStatus.READY | AssetStatus.REJECTED; asset: MediaAsset; reason?: string };

/**
 * Checks what the client staged against what it declared and, when it matches, copies it to the
 * asset's storage key and marks the asset READY; otherwise REJECTED. The asset's row stays locked
 * meanwhile, so a second completion waits and then reads the outcome, and the sweep passes it by:
 * nothing is copied over a READY asset's object. A crash before the commit leaves the asset PENDING
 * with its staged object in place, and completing again redoes every step.
 */
export async function completeAsset(em: EntityManager, storage: ObjectStorage, assetId: string): Promise<CompletionOutcome> {
  const outcome = await em.transactional(async (tx): Promise<CompletionOutcome & { decided?: boolean }> => {
    const asset = await tx.findOne(MediaAsset, { id: assetId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    if (!asset) return { status: "gone" };
    if (asset.status !== AssetStatus.PENDING) return { status: asset.status, asset };
    const staged = await storage.head(stagingKey(asset));
    if (!staged) return { status: "missing" };
    let problem = mismatch(asset, staged);
    if (!problem) {
      await storage.copy(stagingKey(asset), asset.key);
      // The copy is what will be served: check it too, in case the staged object was replaced
      // between the check above and the copy.
      const copied = await storage.head(asset.key);
      problem = copied ? mismatch(asset, copied) : "the copy is missing";
      if (problem) await storage.delete(asset.key);
    }
    asset.status = problem ? AssetStatus.REJECTED : AssetStatus.READY;
    asset.completedAt = new Date();
    return { status: asset.status, asset, reason: problem, decided: true };
  });
  // Best effort: whatever is left in staging, or PUT there later, the sweep removes.
  if ("asset" in outcome && outcome.decided) {
    await storage.delete(stagingKey(outcome.asset)).catch(() => undefined);
  }
  return outcome;
}

function mismatch(asset: MediaAsset, stored: StoredObject): string | undefined {
  if (stored.sizeBytes !== asset.sizeBytes) return `stored ${stored.sizeBytes} bytes ≠ declared ${asset.sizeBytes}`;
  if (normalizeContentType(stored.contentType) !== normalizeContentType(asset.contentType)) {
    return `stored type ${stored.contentType} ≠ declared ${asset.contentType}`;
  }
  return undefined;
}

/** How long after an upload URL was issued a PUT through it may still arrive (its lifetime, and a margin for clock skew). */
const UPLOAD_URL_REACH_MS = (UPLOAD_URL_TTL_SECONDS + 60) * 1000;

/**
 * Removes uploads left PENDING longer than `maxAgeMs`, and REJECTED ones as old (whose presigned
 * URL may have been used again after the rejection): their objects, then the row. And once a READY
 * asset's upload URL has expired, removes its staging object, which a PUT after completion may have
 * written. Rows are claimed with SKIP LOCKED, so replicas sweeping at once split the work and a
 * completion in progress is left alone; a crash between the deletes and the commit leaves the row,
 * and the next sweep finishes it.
 */
export async function sweepStaleUploads(orm: Orm, storage: ObjectStorage, maxAgeMs: number, now = new Date(), batch = 100): Promise<number> {
  return orm.em.fork().transactional(async (em) => {
    const stale = await em.find(
      MediaAsset,
      { status: { $in: [AssetStatus.PENDING, AssetStatus.REJECTED] }, createdAt: { $lt: new Date(now.getTime() - maxAgeMs) } },
      { orderBy: { createdAt: "asc" }, limit: batch, lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE },
    );
    // A PENDING asset may have a copy at its storage key from a completion that crashed.
    for (const asset of stale) await Promise.all([storage.delete(stagingKey(asset)), storage.delete(asset.key)]);
    em.remove(stale);
    const ready = await em.find(
      MediaAsset,
      { status: AssetStatus.READY, stagingRemovedAt: null, createdAt: { $lt: new Date(now.getTime() - UPLOAD_URL_REACH_MS) } },
      { orderBy: { createdAt: "asc" }, limit: batch, lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE },
    );
    for (const asset of ready) {
      await storage.delete(stagingKey(asset));
      asset.stagingRemovedAt = now;
    }
    return stale.length + ready.length;
  });
}

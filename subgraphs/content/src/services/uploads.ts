import { randomUUID } from "node:crypto";
import { LockMode, raw } from "@mikro-orm/core";
import type { EntityManager } from "@mikro-orm/postgresql";
import type { ObjectStorage, Orm, StoredObject } from "@solo/kit";
import { UPLOAD_URL_TTL_SECONDS, apiError, lockUntilCommit, rateLimited } from "@solo/kit";
import type { AssetRejection, UploadPurpose } from "../entities";
import { AssetRejectionKind, AssetStatus, MediaAsset } from "../entities";
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
    await lockUntilCommit(tx, "content.pending-uploads", upload.ownerId);
    const pending = await tx.count(MediaAsset, { ownerId: upload.ownerId, status: AssetStatus.PENDING });
    if (pending >= limit) {
      throw rateLimited(`You have ${pending} uploads in progress (complete them, or wait for them to expire)`, UPLOAD_URL_TTL_SECONDS * 1000);
    }
    const asset = tx.create(MediaAsset, { ...upload, key: "" });
    asset.key = storageKey(asset.ownerId, asset.purpose, asset.id);
    return asset;
  });
}

export type CompletionOutcome = { status: "missing" } | { status: "gone" } | { status: AssetStatus.READY | AssetStatus.REJECTED; asset: MediaAsset };

/** How long a completion holds its claim on an asset unless it renews it, which it does while the store works. */
const COMPLETION_LEASE_SECONDS = 30;
/** How long a completion waits for another one of the same asset to decide, before answering CONFLICT. */
const WAIT_FOR_OTHER_COMPLETION_MS = 20_000;

const leaseFromNow = () => raw(`now() + interval '${COMPLETION_LEASE_SECONDS} seconds'`);
/** No completion holds the asset: none claimed it, or its claim's lease lapsed (the database's clock decides). */
const unclaimed = () => ({ $or: [{ completionLeaseUntil: null }, { completionLeaseUntil: { $lt: raw("now()") } }] });

/**
 * Checks what the client staged against what it declared and, when it matches, copies it to the
 * asset's storage key and marks the asset READY; otherwise REJECTED. No transaction stays open
 * while the store works (copying a 2 GB lesson video takes a while, and would hold a pooled
 * connection throughout): the asset is claimed first, with a lease, in a statement of its own; the
 * store is checked and copied; the outcome is written only if the claim is still this one's.
 * Another completion meanwhile waits and then reads the outcome, and the sweep passes a claimed
 * asset by: nothing is copied over a READY asset's object. A completion that dies stops renewing
 * its lease, and completing again once it has lapsed redoes every step.
 */
export async function completeAsset(em: EntityManager, storage: ObjectStorage, assetId: string): Promise<CompletionOutcome> {
  const deadline = Date.now() + WAIT_FOR_OTHER_COMPLETION_MS;
  for (let pause = 50; ; pause = Math.min(pause * 2, 1_000)) {
    const claimId = randomUUID();
    const claimed = await em.nativeUpdate(
      MediaAsset,
      { id: assetId, status: AssetStatus.PENDING, ...unclaimed() },
      { completionClaim: claimId, completionLeaseUntil: leaseFromNow() },
    );
    const asset = await em.findOne(MediaAsset, { id: assetId }, { refresh: true });
    if (!asset) return { status: "gone" };
    if (asset.status !== AssetStatus.PENDING) return { status: asset.status, asset };
    if (claimed) {
      const outcome = await completeClaimed(em, storage, asset, claimId);
      // Undefined: the lease lapsed and another completion took the asset over; it decides.
      if (outcome) return outcome;
    } else if (Date.now() + pause > deadline) {
      throw apiError("CONFLICT", "Another request is completing this upload: ask again in a few seconds", {
        reason: "COMPLETION_IN_PROGRESS",
        retryAfterSeconds: 5,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

async function completeClaimed(em: EntityManager, storage: ObjectStorage, asset: MediaAsset, claimId: string): Promise<CompletionOutcome | undefined> {
  const ours = { id: asset.id, completionClaim: claimId };
  const renewal = setInterval(
    () => {
      em.nativeUpdate(MediaAsset, ours, { completionLeaseUntil: leaseFromNow() }).catch(() => undefined);
    },
    (COMPLETION_LEASE_SECONDS * 1000) / 3,
  );
  let problem: AssetRejection | undefined;
  let copied = false;
  try {
    const staged = await storage.head(stagingKey(asset));
    if (!staged) {
      await em.nativeUpdate(MediaAsset, ours, { completionClaim: null, completionLeaseUntil: null });
      return { status: "missing" };
    }
    problem = mismatch(asset, staged);
    if (!problem) {
      await storage.copy(stagingKey(asset), asset.key);
      copied = true;
      // The copy is what will be served: check it too, in case the staged object was replaced
      // between the check above and the copy.
      const copy = await storage.head(asset.key);
      problem = copy ? mismatch(asset, copy) : rejection(AssetRejectionKind.COPY_MISSING, "the checked object vanished while it was copied", asset, undefined);
    }
  } catch (error) {
    // The store failed: let the next completion start at once rather than after the lease.
    await em.nativeUpdate(MediaAsset, ours, { completionClaim: null, completionLeaseUntil: null }).catch(() => undefined);
    throw error;
  } finally {
    clearInterval(renewal);
  }
  const status = problem ? AssetStatus.REJECTED : AssetStatus.READY;
  const decided = await em.nativeUpdate(MediaAsset, ours, {
    status,
    rejectionReason: problem ?? null,
    completedAt: new Date(),
    completionClaim: null,
    completionLeaseUntil: null,
  });
  if (!decided) return undefined;
  // Best effort, after the commit: what is left (a rejected copy, staging, or a PUT there later)
  // the sweep removes.
  if (problem && copied) await storage.delete(asset.key).catch(() => undefined);
  await storage.delete(stagingKey(asset)).catch(() => undefined);
  return { status, asset: await em.findOneOrFail(MediaAsset, { id: asset.id }, { refresh: true }) };
}

function mismatch(asset: MediaAsset, stored: StoredObject): AssetRejection | undefined {
  if (stored.sizeBytes !== asset.sizeBytes) {
    return rejection(AssetRejectionKind.SIZE_MISMATCH, `stored ${stored.sizeBytes} bytes ≠ declared ${asset.sizeBytes}`, asset, stored);
  }
  if (normalizeContentType(stored.contentType) !== normalizeContentType(asset.contentType)) {
    return rejection(AssetRejectionKind.TYPE_MISMATCH, `stored type ${stored.contentType ?? "(none)"} ≠ declared ${asset.contentType}`, asset, stored);
  }
  return undefined;
}

function rejection(kind: AssetRejectionKind, message: string, asset: MediaAsset, stored: StoredObject | undefined): AssetRejection {
  return {
    kind,
    message,
    declaredSizeBytes: asset.sizeBytes,
    foundSizeBytes: stored?.sizeBytes ?? null,
    declaredContentType: asset.contentType,
    foundContentType: stored?.contentType ?? null,
  };
}

/** How long after an upload URL was issued a PUT through it may still arrive (its lifetime, and a margin for clock skew). */
const UPLOAD_URL_REACH_MS = (UPLOAD_URL_TTL_SECONDS + 60) * 1000;

/**
 * Removes uploads left PENDING longer than `maxAgeMs`, and REJECTED ones as old (whose presigned
 * URL may have been used again after the rejection): their objects, then the row. And once a READY
 * asset's upload URL has expired, removes its staging object, which a PUT after completion may have
 * written. Rows are claimed with SKIP LOCKED, so replicas sweeping at once split the work; an asset
 * a completion has claimed is left alone while its lease runs. A crash between the deletes and the
 * commit leaves the row, and the next sweep finishes it.
 */
export async function sweepStaleUploads(
  orm: Orm,
  storage: ObjectStorage,
  maxAgeMs: number,
  now = new Date(),
  batch = 100,
): Promise<{ removed: string[]; stagingCleared: number }> {
  return orm.em.fork().transactional(async (em) => {
    const stale = await em.find(
      MediaAsset,
      {
        $or: [{ status: AssetStatus.REJECTED }, { status: AssetStatus.PENDING, ...unclaimed() }],
        createdAt: { $lt: new Date(now.getTime() - maxAgeMs) },
      },
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
    return { removed: stale.map((asset) => asset.id), stagingCleared: ready.length };
  });
}

import { LockMode } from "@mikro-orm/core";
import type { EntityManager } from "@mikro-orm/postgresql";
import { ObjectStorage, Orm } from "@solo/kit";
import { AssetStatus, MediaAsset } from "../entities";
import { normalizeContentType } from "./upload-policy";

export type CompletionOutcome = { status: "missing" | "gone" } | { status: AssetStatus.READY | AssetStatus.REJECTED; reason?: string };

/**
 * Checks what the client stored against what it declared. Only the first completion of a PENDING
 * asset decides; a REJECTED object is deleted so nothing unchecked stays in the bucket.
 */
export async function completeAsset(em: EntityManager, storage: ObjectStorage, asset: MediaAsset): Promise<CompletionOutcome> {
  const stored = await storage.head(asset.key);
  if (!stored) return { status: "missing" };
  const sizeMatches = stored.sizeBytes === asset.sizeBytes;
  const typeMatches = normalizeContentType(stored.contentType) === normalizeContentType(asset.contentType);
  const status = sizeMatches && typeMatches ? AssetStatus.READY : AssetStatus.REJECTED;
  const reason = sizeMatches ? (typeMatches ? undefined : `stored type ${stored.contentType} ≠ declared ${asset.contentType}`) : `stored ${stored.sizeBytes} bytes ≠ declared ${asset.sizeBytes}`;
  // Conditional on PENDING: of two concurrent completions, one decides and the other reads it.
  const changed = await em.nativeUpdate(MediaAsset, { id: asset.id, status: AssetStatus.PENDING }, { status, completedAt: new Date() });
  if (changed && status === AssetStatus.REJECTED) await storage.delete(asset.key);
  // Neither decided it: the sweep removed it meanwhile.
  if (!(await em.refresh(asset))) return { status: "gone" };
  return { status: asset.status as AssetStatus.READY | AssetStatus.REJECTED, reason };
}

/**
 * Removes uploads left PENDING longer than `maxAgeMs`, and REJECTED ones as old (whose presigned
 * URL may have been used again after the rejection): the object, then the row. Rows are claimed
 * with SKIP LOCKED, so replicas sweeping at once split the work; a crash between the two deletes
 * leaves the row, and the next sweep finishes it.
 */
export async function sweepStaleUploads(orm: Orm, storage: ObjectStorage, maxAgeMs: number, now = new Date(), batch = 100): Promise<number> {
  return orm.em.fork().transactional(async (em) => {
    const stale = await em.find(
      MediaAsset,
      { status: { $in: [AssetStatus.PENDING, AssetStatus.REJECTED] }, createdAt: { $lt: new Date(now.getTime() - maxAgeMs) } },
      { orderBy: { createdAt: "asc" }, limit: batch, lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE },
    );
    for (const asset of stale) await storage.delete(asset.key);
    em.remove(stale);
    return stale.length;
  });
}

import type { EntityManager } from "@mikro-orm/postgresql";

/** A scheduled post as a publisher holds it: its row, with the claim that lets it write to that row. */
export interface ClaimedPost {
  id: string;
  accountId: string;
  ownerId: string;
  caption: string;
  hashtags: string[];
  mediaAssetId: string | null;
  containerId: string | null;
  attempts: number;
  slotTakenAt: Date | null;
  claimToken: string;
}

interface ClaimedRow {
  id: string;
  account_id: string;
  owner_id: string;
  caption: string;
  hashtags: string[];
  media_asset_id: string | null;
  container_id: string | null;
  attempts: number;
  slot_taken_at: Date | null;
  claim_token: string;
}

/**
 * Claims up to `limit` due posts for one publisher: scheduled ones whose time has come, and
 * publishing ones waiting for a retry or whose publisher's lease ran out (it died). FOR UPDATE SKIP
 * LOCKED: replicas claiming at once each get different posts. Each claim gets a fresh token, and
 * every later write names it, so a publisher whose claim was taken over can no longer write.
 */
export async function claimDuePosts(em: EntityManager, publisher: { id: string; leaseMs: number }, now: Date, limit: number): Promise<ClaimedPost[]> {
  const rows: ClaimedRow[] = await em.execute(
    `update social.scheduled_posts p
        set status = 'PUBLISHING', claim_token = gen_random_uuid(), claimed_by = ?, lease_until = ?, updated_at = ?
      where p.id in (
        select id from social.scheduled_posts
         where status in ('SCHEDULED', 'PUBLISHING') and next_attempt_at <= ? and (lease_until is null or lease_until < ?)
         order by next_attempt_at, id
         limit ? for update skip locked)
      returning p.id, p.account_id, p.owner_id, p.caption, p.hashtags, p.media_asset_id, p.container_id, p.attempts, p.slot_taken_at, p.claim_token`,
    [publisher.id, new Date(now.getTime() + publisher.leaseMs), now, now, now, limit],
  );
  return rows.map((row) => ({
    id: row.id,
    accountId: row.account_id,
    ownerId: row.owner_id,
    caption: row.caption,
    hashtags: row.hashtags,
    mediaAssetId: row.media_asset_id,
    containerId: row.container_id,
    attempts: row.attempts,
    slotTakenAt: row.slot_taken_at ? new Date(row.slot_taken_at) : null,
    claimToken: row.claim_token,
  }));
}

/** Writes to a claimed post, if the claim still holds: false when another publisher took it over. */
export async function updateClaimed(em: EntityManager, post: Pick<ClaimedPost, "id" | "claimToken">, set: string, params: unknown[]): Promise<boolean> {
  const result = await em.execute<{ affectedRows: number }>(
    `update social.scheduled_posts set ${set} where id = ? and claim_token = ?`,
    [...params, post.id, post.claimToken],
    "run",
  );
  return result.affectedRows > 0;
}

/** Gives claims up untouched (a stopping publisher's posts it had not started): due again at once. */
export async function releaseClaims(em: EntityManager, posts: readonly Pick<ClaimedPost, "id" | "claimToken">[]): Promise<void> {
  // One never tried is SCHEDULED again (and may still be cancelled); one tried before stays PUBLISHING.
  const set = `status = case when attempts = 0 and container_id is null then 'SCHEDULED' else status end, claim_token = null, claimed_by = null, lease_until = null`;
  for (const post of posts) await updateClaimed(em, post, set, []);
}

export type SlotOutcome = { taken: true } | { taken: false; freeAt: Date } | { taken: false; lost: true };

/**
 * Takes one of the account's publishing slots (at most `dailyLimit` posts published per rolling
 * 24 hours) for this post, renewing its lease, under a lock on the account: two publishers never
 * both take the last slot. A post that took a slot already (its publish may have gone through)
 * keeps it. The attempt is counted here, as the platform is about to be called.
 */
export async function takePublishingSlot(em: EntityManager, post: ClaimedPost, options: { now: Date; dailyLimit: number; leaseMs: number }): Promise<SlotOutcome> {
  const { now, dailyLimit, leaseMs } = options;
  const dayAgo = new Date(now.getTime() - 86_400_000);
  return em.transactional(async (tx) => {
    await tx.execute(`select 1 from social.accounts where id = ? for update`, [post.accountId]);
    const keeps = post.slotTakenAt !== null && post.slotTakenAt > dayAgo;
    if (!keeps) {
      const slots: { taken: string; oldest: Date | null }[] = await tx.execute(
        `select count(*) as taken, min(slot_taken_at) as oldest from social.scheduled_posts where account_id = ? and slot_taken_at > ?`,
        [post.accountId, dayAgo],
      );
      if (Number(slots[0].taken) >= dailyLimit) return { taken: false, freeAt: new Date(new Date(slots[0].oldest!).getTime() + 86_400_000) };
    }
    const slotAt = keeps ? post.slotTakenAt : now;
    const renewed = await updateClaimed(tx, post, `slot_taken_at = ?, lease_until = ?, attempts = attempts + 1, updated_at = ?`, [
      slotAt,
      new Date(now.getTime() + leaseMs),
      now,
    ]);
    if (!renewed) return { taken: false, lost: true };
    post.slotTakenAt = slotAt;
    post.attempts += 1;
    return { taken: true };
  });
}

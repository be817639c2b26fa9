import type { EntityManager } from "@mikro-orm/postgresql";
import type { Logger } from "@solo/kit";
import type { SocialSettings } from "../config";
import { publishedCaption } from "../services/engagement";
import { rebuildDailyEngagement } from "../services/post-metrics";
import type { ContentClient } from "../services/content-client";
import type { InstagramClient } from "../services/instagram-client";
import { InstagramError, isPublishingLimit, isStillProcessing } from "../services/instagram-client";
import type { TokenCipher } from "../services/token-cipher";
import type { ClaimedPost } from "./claims";
import { takePublishingSlot, updateClaimed } from "./claims";

/** The first try and at most three retries. */
const MAX_PUBLISH_ATTEMPTS = 4;
/** Instagram's own "too many posts today": the account published elsewhere too. Wait, uncounted. */
const PLATFORM_LIMIT_WAIT_MS = 3_600_000;

export interface PublisherDeps {
  em: EntityManager;
  settings: SocialSettings;
  instagram: InstagramClient;
  content: ContentClient;
  tokens: TokenCipher;
  logger: Logger;
  now: () => Date;
}

interface AccountRow {
  status: string;
  platform_user_id: string;
  token_sealed: string;
  token_expires_at: Date | null;
}

/** Why a post ends FAILED: nothing a retry would change. */
class PermanentFailure extends Error {}

/**
 * Publishes one claimed post: take a publishing slot of its account, make the media container (or
 * find the one made before: a previous try may have published it already, whatever its publisher
 * managed to commit), keep its id, then `media_publish`, and record the outcome. Every write names
 * the claim; a publisher whose claim lapsed stops without writing.
 */
export async function publishPost(post: ClaimedPost, deps: PublisherDeps): Promise<void> {
  const { em, settings, logger } = deps;
  const log = logger.child({ scheduledPostId: post.id, accountId: post.accountId });
  // Whether a publish may have gone through unrecorded: an earlier try's (it kept its slot and made
  // its container) until the container's status says otherwise, or this try's, asked and unanswered.
  let mayBePublished = post.slotTakenAt !== null && post.containerId !== null;
  let publishing = false;
  try {
    const account = await loadAccount(em, post.accountId);
    if (!account || account.status !== "ACTIVE") throw new PermanentFailure(`the account is ${account ? account.status.toLowerCase() : "gone"}`);
    if (account.token_expires_at && new Date(account.token_expires_at) <= deps.now()) {
      await em.execute(`update social.accounts set status = 'TOKEN_EXPIRED', updated_at = ? where id = ? and status = 'ACTIVE'`, [deps.now(), post.accountId]);
      throw new PermanentFailure("the account's access token has expired: connect it again");
    }
    const slot = await takePublishingSlot(em, post, { now: deps.now(), dailyLimit: settings.publishDailyLimit, leaseMs: settings.publishLeaseMs });
    if (!slot.taken) {
      if ("freeAt" in slot) {
        await release(em, post, { at: slot.freeAt, now: deps.now(), error: null });
        log.info({ until: slot.freeAt }, "publishing limit reached: the post waits for a slot");
      }
      return;
    }
    const token = deps.tokens.open(account.token_sealed, post.accountId);
    const igUserId = account.platform_user_id;
    let containerId = post.containerId;
    if (containerId) {
      const status = await deps.instagram.containerStatus(containerId, token);
      if (status === "PUBLISHED") {
        // A previous try published it and died before recording it: record it now, never publish again.
        await recordPublished(em, post, null, deps.now());
        log.info({ containerId }, "found published by an earlier try");
        return;
      }
      mayBePublished = false;
      if (status === "IN_PROGRESS") {
        // A video takes minutes to process; waiting for it is no failed try.
        await release(em, post, { at: new Date(deps.now().getTime() + settings.publishBackoffMs), now: deps.now(), error: null, freeSlot: true, refundTry: true });
        log.info({ containerId }, "the media is still being processed: the post waits, its tries unspent");
        return;
      }
      if (status === "ERROR" || status === "EXPIRED") containerId = null; // never published: a new one is safe
    }
    // Past the ceiling only when the last try's publish went unanswered (or its publisher died), and
    // it did not go through (above): it is not tried again.
    if (post.attempts > MAX_PUBLISH_ATTEMPTS) throw new PermanentFailure(`gave up after ${MAX_PUBLISH_ATTEMPTS} tries, the last unanswered: not published`);
    if (!containerId) {
      if (!post.mediaAssetId) throw new PermanentFailure("Instagram posts need an image or a video");
      const media = await deps.content.mediaToPublish(post.ownerId, post.mediaAssetId, settings.instagramTimeoutMs);
      if (!media) throw new PermanentFailure("the post's media is no longer available");
      containerId = await deps.instagram.createContainer({
        igUserId,
        accessToken: token,
        caption: publishedCaption(post.caption, post.hashtags),
        mediaUrl: media.url,
        contentType: media.contentType,
      });
      // Kept before publishing: a retry finds this container instead of making a second post.
      if (!(await updateClaimed(em, post, `container_id = ?, updated_at = ?`, [containerId, deps.now()]))) return;
    }
    publishing = mayBePublished = true;
    const mediaId = await deps.instagram.publish({ igUserId, containerId, accessToken: token });
    await recordPublished(em, post, mediaId, deps.now());
    log.info({ mediaId }, "published");
  } catch (error) {
    // A publish that answered an error did not publish; one that timed out may have.
    if (publishing && error instanceof InstagramError && error.status !== undefined) mayBePublished = false;
    await recordFailure(post, error, mayBePublished, deps, log);
  }
}

async function loadAccount(em: EntityManager, accountId: string): Promise<AccountRow | undefined> {
  const rows: AccountRow[] = await em.execute(`select status, platform_user_id, token_sealed, token_expires_at from social.accounts where id = ?`, [accountId]);
  return rows[0];
}

/**
 * PUBLISHED, and the post among the account's posts (metrics arrive for it by its media id), with
 * its day's rollup and the account's count, in one transaction: a crash before the commit leaves
 * it to a retry, which finds it published. Under the account's lock, as recordPostMetrics takes it:
 * either would otherwise rebuild a day or count posts without the other's.
 */
async function recordPublished(em: EntityManager, post: ClaimedPost, mediaId: string | null, now: Date): Promise<void> {
  await em.transactional(async (tx) => {
    await tx.execute(`select 1 from social.accounts where id = ? for update`, [post.accountId]);
    const recorded = await updateClaimed(
      tx,
      post,
      `status = 'PUBLISHED', published_media_id = ?, published_at = ?, last_error = null, claim_token = null, lease_until = null, updated_at = ?`,
      [mediaId, now, now],
    );
    if (!recorded || !mediaId) return;
    await tx.execute(
      `insert into social.posts (id, account_id, external_id, caption, published_at, likes, comments, saves, shares, reach, impressions, engagement_rate, created_at, updated_at)
       values (gen_random_uuid(), ?, ?, ?, ?, 0, 0, 0, 0, 0, 0, 0, ?, ?) on conflict (account_id, external_id) do nothing`,
      [post.accountId, mediaId, publishedCaption(post.caption, post.hashtags), now, now, now],
    );
    await rebuildDailyEngagement(tx, post.accountId, [now.toISOString().slice(0, 10)]);
    await tx.execute(`update social.accounts set posts_count = (select count(*) from social.posts where account_id = ?) where id = ?`, [post.accountId, post.accountId]);
  });
}

/**
 * Back to waiting until `at`, the claim given up; `error` says why (null: no error, only a wait).
 * `freeSlot`: nothing was published. `refundTry`: the wait is the platform's (processing, its own
 * limit), not a failed try.
 */
async function release(
  em: EntityManager,
  post: ClaimedPost,
  options: { at: Date; now: Date; error: string | null; freeSlot?: boolean; refundTry?: boolean },
): Promise<void> {
  const { at, now, error, freeSlot = false, refundTry = false } = options;
  await updateClaimed(
    em,
    post,
    `next_attempt_at = ?, last_error = ?, claim_token = null, lease_until = null, updated_at = ?${freeSlot ? ", slot_taken_at = null" : ""}${refundTry ? ", attempts = greatest(attempts - 1, 0)" : ""}`,
    [at, error, now],
  );
}

/**
 * A failed try: waits uncounted when the platform asks to wait, else retries with backoff while
 * tries remain, or while a publish may have gone through (the next try asks the container, never
 * publishing twice), else FAILED. A slot is kept while a publish may have gone through.
 */
async function recordFailure(post: ClaimedPost, error: unknown, mayBePublished: boolean, deps: PublisherDeps, log: Logger): Promise<void> {
  const { em, settings } = deps;
  const now = deps.now();
  const message = describe(error);
  const freeSlot = !mayBePublished;
  try {
    if (isPublishingLimit(error)) {
      // Instagram counts posts made elsewhere too: wait, without spending one of the post's retries.
      await release(em, post, { at: new Date(now.getTime() + PLATFORM_LIMIT_WAIT_MS), now, error: message, freeSlot, refundTry: true });
      log.warn("Instagram's publishing limit reached: the post waits an hour");
      return;
    }
    if (isStillProcessing(error)) {
      await release(em, post, { at: new Date(now.getTime() + settings.publishBackoffMs), now, error: null, freeSlot, refundTry: true });
      log.info("the media is still being processed: the post waits, its tries unspent");
      return;
    }
    if (error instanceof InstagramError && error.tokenInvalid) {
      await em.execute(`update social.accounts set status = 'TOKEN_EXPIRED', updated_at = ? where id = ? and status = 'ACTIVE'`, [now, post.accountId]);
    }
    const retryable = !(error instanceof PermanentFailure) && !(error instanceof InstagramError && !error.retryable);
    if (retryable && (post.attempts < MAX_PUBLISH_ATTEMPTS || mayBePublished)) {
      const backoff = settings.publishBackoffMs * 2 ** Math.max(0, post.attempts - 1);
      await release(em, post, { at: new Date(now.getTime() + backoff), now, error: message, freeSlot });
      log.warn({ err: error, attempts: post.attempts, retryInMs: backoff }, "publishing failed: retrying later");
      return;
    }
    await updateClaimed(
      em,
      post,
      `status = 'FAILED', last_error = ?, claim_token = null, lease_until = null, updated_at = ?${freeSlot ? ", slot_taken_at = null" : ""}`,
      [message, now],
    );
    log.error({ err: error, attempts: post.attempts }, "publishing failed for good");
  } catch (recordError) {
    // The claim's lease runs out and another try takes it up: nothing is lost.
    log.error({ err: recordError, cause: message }, "could not record a publishing failure");
  }
}

/**
 * lastError, which the post's owner reads: Instagram's reason (the token kept out of it) or the
 * publisher's own. Anything else (the database's, content's, a key missing from the ring) speaks
 * of SOLO's insides, and stays in the log.
 */
function describe(error: unknown): string {
  if (error instanceof InstagramError || error instanceof PermanentFailure) return error.message.slice(0, 500);
  return "SOLO could not get the post ready to publish: an internal error";
}

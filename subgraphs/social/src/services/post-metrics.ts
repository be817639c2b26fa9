import type { EntityManager } from "@mikro-orm/postgresql";
import { badInput, isStorableDate } from "@solo/kit";
import { engagementRate } from "./engagement";

/** One post's metrics as a client sends them (PostMetricsInput). */
export interface PostMetrics {
  externalId: string;
  caption?: string | null;
  permalink?: string | null;
  publishedAt: Date;
  likes: number;
  comments: number;
  saves: number;
  shares: number;
  reach: number;
  impressions: number;
}

/** The most posts one call records (a day of a busy account, or a sync's page). */
const MAX_POSTS_PER_CALL = 100;
const COUNTS = ["likes", "comments", "saves", "shares", "reach", "impressions"] as const;

/** Refuses the whole batch on the first bad post, naming it by position: nothing is recorded then. */
export function checkPostMetrics(posts: readonly PostMetrics[], now: Date, followersCount?: number | null): void {
  if (!posts.length && followersCount == null) throw badInput("posts must hold at least one post (or give followersCount)", "posts");
  if (posts.length > MAX_POSTS_PER_CALL) throw badInput(`posts may hold at most ${MAX_POSTS_PER_CALL} posts per call`, "posts");
  if (followersCount != null && followersCount < 0) throw badInput("followersCount must not be negative", "followersCount");
  const seen = new Set<string>();
  posts.forEach((post, index) => {
    const at = `posts[${index}]`;
    const externalId = post.externalId.trim();
    if (!externalId || externalId.length > 200) throw badInput(`${at}.externalId must be 1 to 200 characters`, "externalId");
    if (seen.has(externalId)) throw badInput(`${at}.externalId repeats an earlier post of this call`, "externalId");
    seen.add(externalId);
    for (const count of COUNTS) if (post[count] < 0) throw badInput(`${at}.${count} must not be negative`, count);
    if (!isStorableDate(post.publishedAt) || post.publishedAt.getTime() > now.getTime() + 5 * 60_000) {
      throw badInput(`${at}.publishedAt must be a date that has passed`, "publishedAt");
    }
    if (post.caption && post.caption.length > 2_200) throw badInput(`${at}.caption must be at most 2,200 characters`, "caption");
    if (post.permalink && !isHttpsUrl(post.permalink)) throw badInput(`${at}.permalink must be an https URL`, "permalink");
  });
}

function isHttpsUrl(value: string): boolean {
  try {
    return new URL(value).protocol === "https:" && value.length <= 2_000;
  } catch {
    return false;
  }
}

interface PostRow {
  id: string;
  external_id: string;
}

/**
 * Upserts the posts by (account, externalId), rebuilds the daily rollups of every day they touch
 * (their old and new days, should a re-sent post move), and refreshes the account's counts: one
 * transaction, so the rollups always equal their posts. Returns the posts' ids in input order.
 */
export async function recordPostMetrics(
  em: EntityManager,
  accountId: string,
  posts: readonly PostMetrics[],
  now: Date,
  followersCount?: number | null,
): Promise<string[]> {
  return em.transactional(async (tx) => {
    // Serialises batches of one account: two at once would each rebuild a day from half the posts.
    await tx.execute(`select 1 from social.accounts where id = ? for update`, [accountId]);
    let ids: string[] = [];
    if (posts.length) {
      const externalIds = posts.map((post) => post.externalId.trim());
      // `array[?]`: execute() writes an array parameter out as a comma-separated list of literals.
      const oldDays: { day: string }[] = await tx.execute(
        `select distinct (published_at at time zone 'UTC')::date::text as day from social.posts where account_id = ? and external_id = any(array[?]::text[])`,
        [accountId, externalIds],
      );
      const values = posts.map(() => "(gen_random_uuid(), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ");
      const params = posts.flatMap((post, index) => [
        accountId,
        externalIds[index],
        post.caption ?? null,
        post.permalink ?? null,
        post.publishedAt,
        post.likes,
        post.comments,
        post.saves,
        post.shares,
        post.reach,
        post.impressions,
        engagementRate(post),
        now,
        now,
      ]);
      const rows: PostRow[] = await tx.execute(
        `insert into social.posts (id, account_id, external_id, caption, permalink, published_at, likes, comments, saves, shares, reach, impressions, engagement_rate, created_at, updated_at)
         values ${values}
         on conflict (account_id, external_id) do update set
           caption = coalesce(excluded.caption, posts.caption), permalink = coalesce(excluded.permalink, posts.permalink),
           published_at = excluded.published_at, likes = excluded.likes, comments = excluded.comments, saves = excluded.saves,
           shares = excluded.shares, reach = excluded.reach, impressions = excluded.impressions,
           engagement_rate = excluded.engagement_rate, updated_at = excluded.updated_at
         returning id, external_id`,
        params,
      );
      const idByExternal = new Map(rows.map((row) => [row.external_id, row.id]));
      ids = externalIds.map((externalId) => idByExternal.get(externalId)!);
      const days = [...new Set([...oldDays.map((row) => row.day), ...posts.map((post) => post.publishedAt.toISOString().slice(0, 10))])];
      await rebuildDailyEngagement(tx, accountId, days);
    }
    await tx.execute(
      `update social.accounts set posts_count = (select count(*) from social.posts where account_id = ?),
         followers_count = coalesce(?, followers_count), last_synced_at = ?, updated_at = ? where id = ?`,
      [accountId, followersCount ?? null, now, now, accountId],
    );
    return ids;
  });
}

/** Each listed day of the account, summed again from its posts (a day left with none is removed). */
export async function rebuildDailyEngagement(em: EntityManager, accountId: string, days: readonly string[]): Promise<void> {
  if (!days.length) return;
  await em.execute(`delete from social.daily_engagement where account_id = ? and day = any(array[?]::date[])`, [accountId, days]);
  await em.execute(
    `insert into social.daily_engagement (account_id, day, posts, interactions, reach, impressions)
     select account_id, (published_at at time zone 'UTC')::date, count(*), sum(likes::bigint + comments + saves + shares), sum(reach), sum(impressions)
       from social.posts
      where account_id = ? and (published_at at time zone 'UTC')::date = any(array[?]::date[])
      group by account_id, (published_at at time zone 'UTC')::date`,
    [accountId, days],
  );
}

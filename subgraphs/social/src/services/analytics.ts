import type { EntityManager } from "@mikro-orm/postgresql";

/** How far back analytics may look: a year. */
export const MAX_ANALYTICS_DAYS = 365;
export const DEFAULT_ANALYTICS_DAYS = 30;
const TOP_POSTS = 5;

interface DailySeriesRow {
  date: string;
  posts: number;
  interactions: number;
  reach: number;
  impressions: number;
  engagementRate: number;
}

export interface AccountAnalyticsRows {
  engagementRate: number;
  totalReach: number;
  bestPostingHour: number | null;
  daily: DailySeriesRow[];
  topPostIds: string[];
}

/** The first day (UTC) of a window of `days` days ending today. */
export function windowStart(now: Date, days: number): string {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(today - (days - 1) * 86_400_000).toISOString().slice(0, 10);
}

// The rate of summed interactions over summed reach, as engagementRate() computes one post's.
const RATE = (interactions: string, reach: string) => `case when ${reach} > 0 then round((${interactions})::numeric * 100 / ${reach}, 2)::float8 else 0 end`;

/**
 * An account's last `days` days (UTC), computed in SQL: the daily series from the rollups (every
 * day, zero where nothing was posted), the window's totals, the top posts by engagement and the
 * hour of day (UTC) whose posts have the best mean engagement. Four index-backed statements.
 */
export async function accountAnalytics(em: EntityManager, accountId: string, days: number, now: Date): Promise<AccountAnalyticsRows> {
  const start = windowStart(now, days);
  const end = now.toISOString().slice(0, 10);
  // The window's first instant as a timestamp: `?::date` against a timestamptz would begin the day
  // in the session's time zone, not UTC's, as the rollups do.
  const since = new Date(`${start}T00:00:00Z`);
  const [daily, totals, top, hours] = await Promise.all([
    em.execute<{ date: string; posts: number; interactions: string; reach: string; impressions: string; rate: number }[]>(
      `select d.day::date::text as date, coalesce(e.posts, 0) as posts, coalesce(e.interactions, 0) as interactions,
              coalesce(e.reach, 0) as reach, coalesce(e.impressions, 0) as impressions, ${RATE("coalesce(e.interactions, 0)", "coalesce(e.reach, 0)")} as rate
         from generate_series(?::date, ?::date, interval '1 day') as d(day)
         left join social.daily_engagement e on e.account_id = ? and e.day = d.day::date
        order by d.day`,
      [start, end, accountId],
    ),
    em.execute<{ interactions: string; reach: string; rate: number }[]>(
      `select coalesce(sum(interactions), 0) as interactions, coalesce(sum(reach), 0) as reach, ${RATE("coalesce(sum(interactions), 0)", "coalesce(sum(reach), 0)")} as rate
         from social.daily_engagement where account_id = ? and day between ?::date and ?::date`,
      [accountId, start, end],
    ),
    em.execute<{ id: string }[]>(
      `select id from social.posts where account_id = ? and published_at >= ?
        order by engagement_rate desc, reach desc, published_at desc, id limit ${TOP_POSTS}`,
      [accountId, since],
    ),
    em.execute<{ hour: number }[]>(
      `select extract(hour from published_at at time zone 'UTC')::int as hour from social.posts
        where account_id = ? and published_at >= ?
        group by 1 order by avg(engagement_rate) desc, 1 limit 1`,
      [accountId, since],
    ),
  ]);
  return {
    engagementRate: Number(totals[0].rate),
    totalReach: Number(totals[0].reach),
    bestPostingHour: hours[0]?.hour ?? null,
    daily: daily.map((row) => ({
      date: row.date,
      posts: Number(row.posts),
      interactions: Number(row.interactions),
      reach: Number(row.reach),
      impressions: Number(row.impressions),
      engagementRate: Number(row.rate),
    })),
    topPostIds: top.map((row) => row.id),
  };
}

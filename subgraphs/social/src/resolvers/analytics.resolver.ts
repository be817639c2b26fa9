import { Access, badInput } from "@solo/kit";
import { Arg, Ctx, ID, Int, Query, Resolver } from "type-graphql";
import type { SocialContext } from "../loaders";
import { accountOwnerOrAdmin } from "../policies";
import type { SocialServices } from "../services";
import { DEFAULT_ANALYTICS_DAYS, MAX_ANALYTICS_DAYS, accountAnalytics } from "../services/analytics";
import { AccountAnalytics, EngagementUpdate } from "./types";

@Resolver()
export class AnalyticsResolver {
  constructor(private readonly services: SocialServices) {}

  @Access({ scope: "social:read", policy: accountOwnerOrAdmin })
  @Query(() => AccountAnalytics, { description: "An account's engagement over the last `days` days (30 by default, at most 365; UTC days)" })
  async accountAnalytics(
    @Arg("accountId", () => ID, { description: "A connected account of yours (any, for admins)" }) accountId: string,
    @Arg("days", () => Int, { description: "Window length in days, ending today (UTC): 1 to 365, 30 by default", nullable: true }) days: number | null,
    @Ctx() ctx: SocialContext,
  ): Promise<AccountAnalytics> {
    const window = days ?? DEFAULT_ANALYTICS_DAYS;
    if (!Number.isInteger(window) || window < 1 || window > MAX_ANALYTICS_DAYS) throw badInput(`days must be 1 to ${MAX_ANALYTICS_DAYS}`, "days");
    const account = (await ctx.loaders.accountById.load(accountId))!;
    const rows = await accountAnalytics(ctx.em, account.id, window, this.services.clock.now());
    const topPosts = await Promise.all(rows.topPostIds.map((id) => ctx.loaders.postById.load(id)));
    return {
      accountId: account.id,
      days: window,
      followers: account.followersCount,
      engagementRate: rows.engagementRate,
      totalReach: rows.totalReach,
      bestPostingHour: rows.bestPostingHour,
      daily: rows.daily,
      topPosts: topPosts.filter((post) => post !== null),
    };
  }

  @Access({ scope: "social:read", policy: accountOwnerOrAdmin })
  @Query(() => EngagementUpdate, { description: "An account's engagement over the last 30 days: what engagementUpdated delivers" })
  async accountEngagement(
    @Arg("accountId", () => ID, { description: "A connected account of yours (any, for admins)" }) accountId: string,
    @Ctx() ctx: SocialContext,
  ): Promise<EngagementUpdate> {
    const account = (await ctx.loaders.accountById.load(accountId))!;
    const now = this.services.clock.now();
    const rows = await accountAnalytics(ctx.em, account.id, DEFAULT_ANALYTICS_DAYS, now);
    return { accountId: account.id, engagementRate: rows.engagementRate, totalReach: rows.totalReach, at: account.lastSyncedAt ?? account.createdAt };
  }
}

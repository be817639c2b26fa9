import { isAdmin, isCaller } from "@solo/kit";
import type { ScheduledPost, SocialAccount, SocialPost } from "../entities";
import type { SocialContext } from "../loaders";
import { SocialAccountResolver } from "./account.resolver";
import { AnalyticsResolver } from "./analytics.resolver";
import { PostMetricsResolver } from "./post-metrics.resolver";
import { ScheduledPostResolver } from "./schedule.resolver";
import { SocialSubscriptions } from "./subscription.resolver";

export const resolvers = [SocialAccountResolver, PostMetricsResolver, ScheduledPostResolver, AnalyticsResolver, SocialSubscriptions] as const;

/** Entity resolution for other subgraphs: an account and what it holds are its owner's and admins' only. */
async function visibleAccount(accountId: string, ctx: SocialContext): Promise<SocialAccount | null> {
  const account = await ctx.loaders.accountById.load(accountId);
  return account && (isCaller(ctx.identity, account.ownerId) || isAdmin(ctx.identity)) ? account : null;
}

export const referenceResolvers = {
  SocialAccount: { __resolveReference: (reference: { id: string }, ctx: SocialContext) => visibleAccount(reference.id, ctx) },
  SocialPost: {
    __resolveReference: async (reference: { id: string }, ctx: SocialContext): Promise<SocialPost | null> => {
      const post = await ctx.loaders.postById.load(reference.id);
      return post && (await visibleAccount(post.accountId, ctx)) ? post : null;
    },
  },
  ScheduledPost: {
    __resolveReference: async (reference: { id: string }, ctx: SocialContext): Promise<ScheduledPost | null> => {
      const post = await ctx.loaders.scheduledPostById.load(reference.id);
      return post && (await visibleAccount(post.accountId, ctx)) ? post : null;
    },
  },
};

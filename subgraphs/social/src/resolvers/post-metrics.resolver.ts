import { Access } from "@solo/kit";
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from "type-graphql";
import { SocialAccount, SocialAccountStatus, SocialPost } from "../entities";
import type { SocialContext } from "../loaders";
import { accountOwnerOrAdmin } from "../policies";
import type { SocialServices } from "../services";
import { checkPostMetrics, recordPostMetrics } from "../services/post-metrics";
import { badInput } from "@solo/kit";
import { PostMetricsInput } from "./types";

@Resolver(() => SocialPost)
export class PostMetricsResolver {
  constructor(private readonly services: SocialServices) {}

  @Access({ scope: "social:write", policy: accountOwnerOrAdmin })
  @Mutation(() => [SocialPost], {
    description: "Record posts' latest metrics (at most 100 a call; re-sending a post updates it), and the follower count if known",
  })
  async recordPostMetrics(
    @Arg("accountId", () => ID, { description: "A connected account of yours (any, for admins)" }) accountId: string,
    @Arg("posts", () => [PostMetricsInput], { description: "1 to 100 posts' metrics" }) posts: PostMetricsInput[],
    @Arg("followersCount", () => Int, { nullable: true, description: "The account's followers now" }) followersCount: number | null,
    @Ctx() ctx: SocialContext,
  ): Promise<SocialPost[]> {
    const account = (await ctx.loaders.accountById.load(accountId))!;
    if (account.status === SocialAccountStatus.DISCONNECTED) throw badInput("The account is disconnected", "accountId");
    const now = this.services.clock.now();
    checkPostMetrics(posts, now, followersCount);
    const ids = await recordPostMetrics(ctx.em, account.id, posts, now, followersCount);
    await this.services.events.engagementChanged(account.id);
    const rows = await ctx.em.fork().find(SocialPost, { id: { $in: ids } });
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id)!);
  }

  @FieldResolver(() => SocialAccount, { description: "The account it was published on" })
  async account(@Root() post: SocialPost, @Ctx() ctx: SocialContext): Promise<SocialAccount> {
    return (await ctx.loaders.accountById.load(post.accountId))!;
  }
}

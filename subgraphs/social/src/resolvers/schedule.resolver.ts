import { Access, badInput, queueAudit, signedInCaller } from "@solo/kit";
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { Course, MediaAsset, ScheduledPost, ScheduledPostStatus, SocialAccount, SocialAccountStatus, ref } from "../entities";
import type { SocialContext } from "../loaders";
import { accountOwnerOrAdmin, scheduledPostOwnerOrAdmin } from "../policies";
import type { SocialServices } from "../services";
import { checkSchedule } from "../services/scheduling";
import { SchedulePostInput } from "./types";

@Resolver(() => ScheduledPost)
export class ScheduledPostResolver {
  constructor(private readonly services: SocialServices) {}

  @Access({ scope: "social:write", policy: accountOwnerOrAdmin })
  @Mutation(() => ScheduledPost, { description: "Schedule a post on an account, at least a minute ahead" })
  async schedulePost(@Arg("input", { description: "The post" }) input: SchedulePostInput, @Ctx() ctx: SocialContext): Promise<ScheduledPost> {
    const account = (await ctx.loaders.accountById.load(input.accountId))!;
    if (account.status !== SocialAccountStatus.ACTIVE)
      throw badInput(`The account is ${account.status.toLowerCase().replace("_", " ")}: connect it again first`, "accountId");
    const now = this.services.clock.now();
    const hashtags = checkSchedule(input, account.platform, now);
    const schedulerId = signedInCaller(ctx.identity).userId;
    await Promise.all([
      input.mediaAssetId ? this.services.content.requireOwnMedia(schedulerId, input.mediaAssetId) : undefined,
      input.promotesCourseId ? this.services.content.requireVisibleCourse(ctx.identity, input.promotesCourseId) : undefined,
    ]);
    const post = ctx.em.create(ScheduledPost, {
      accountId: account.id,
      ownerId: schedulerId,
      caption: input.caption,
      hashtags,
      mediaAssetId: input.mediaAssetId ?? null,
      promotesCourseId: input.promotesCourseId ?? null,
      scheduledFor: input.scheduledFor,
      nextAttemptAt: input.scheduledFor,
      createdAt: now,
      updatedAt: now,
    });
    queueAudit(ctx.em, ctx, "social_post.scheduled", { type: "ScheduledPost", id: post.id }, { accountId: account.id, scheduledFor: input.scheduledFor.toISOString() });
    await ctx.em.flush();
    return post;
  }

  @Access({ policy: scheduledPostOwnerOrAdmin })
  @Mutation(() => ScheduledPost, { description: "Cancel a post that has not started publishing" })
  async cancelScheduledPost(@Arg("id", () => ID, { description: "A post of yours not yet publishing" }) id: string, @Ctx() ctx: SocialContext): Promise<ScheduledPost> {
    const now = this.services.clock.now();
    const cancelled = await ctx.em.transactional(async (tx) => {
      // Conditional: a publisher that claimed it a moment ago keeps it.
      const changed = await tx.nativeUpdate(ScheduledPost, { id, status: ScheduledPostStatus.SCHEDULED }, { status: ScheduledPostStatus.CANCELLED, updatedAt: now });
      if (changed) queueAudit(tx, ctx, "social_post.cancelled", { type: "ScheduledPost", id });
      return changed > 0;
    });
    const post = (await ctx.em.fork().findOne(ScheduledPost, { id }))!;
    if (!cancelled && post.status !== ScheduledPostStatus.CANCELLED)
      throw badInput(`The post is ${post.status.toLowerCase()}: only a scheduled post can be cancelled`, "id");
    return post;
  }

  @Access({ scope: "social:read", policy: accountOwnerOrAdmin })
  @Query(() => [ScheduledPost], { description: "An account's scheduled posts, soonest first (at most `first`, 100 by default)" })
  scheduledPosts(
    @Arg("accountId", () => ID, { description: "A connected account of yours (any, for admins)" }) accountId: string,
    @Arg("status", () => ScheduledPostStatus, { description: "Only posts in this status", nullable: true }) status: ScheduledPostStatus | null,
    @Arg("first", () => Int, { description: "At most this many posts: 100 by default", nullable: true, defaultValue: 100 }) first: number,
    @Ctx() ctx: SocialContext,
  ): Promise<ScheduledPost[]> {
    if (!Number.isInteger(first) || first < 1 || first > 500) throw badInput("first must be 1 to 500", "first");
    return ctx.em.find(ScheduledPost, { accountId, ...(status ? { status } : {}) }, { orderBy: { scheduledFor: "asc", id: "asc" }, limit: first });
  }

  @FieldResolver(() => MediaAsset, { nullable: true, description: "The image or video (content resolves it)" })
  media(@Root() post: ScheduledPost): MediaAsset | null {
    return post.mediaAssetId ? ref(MediaAsset, post.mediaAssetId) : null;
  }

  @FieldResolver(() => Course, { nullable: true, description: "The course the post promotes (content resolves it)" })
  promotes(@Root() post: ScheduledPost): Course | null {
    return post.promotesCourseId ? ref(Course, post.promotesCourseId) : null;
  }

  @FieldResolver(() => SocialAccount, { description: "The account it is published on" })
  async account(@Root() post: ScheduledPost, @Ctx() ctx: SocialContext): Promise<SocialAccount> {
    return (await ctx.loaders.accountById.load(post.accountId))!;
  }
}

import { Access, personCaller, queueAudit, signedInCaller } from "@solo/kit";
import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { ScheduledPost, ScheduledPostStatus, SocialAccount, SocialAccountStatus, User, ref } from "../entities";
import type { SocialContext } from "../loaders";
import { accountOwnerOrAdmin } from "../policies";
import type { SocialServices } from "../services";
import { connectAccount } from "../services/connections";
import { ConnectSocialAccountInput } from "./types";

const MARKETERS = ["MARKETER", "ADMIN"] as const;

@Resolver(() => SocialAccount)
export class SocialAccountResolver {
  constructor(private readonly services: SocialServices) {}

  // Connecting hands over a platform's token: people only, never an API key.
  @Access({ roles: [...MARKETERS] })
  @Mutation(() => SocialAccount, { description: "Connect an account with the platform's access token (stored encrypted, never returned)" })
  connectSocialAccount(@Arg("input", { description: "The account and its token" }) input: ConnectSocialAccountInput, @Ctx() ctx: SocialContext): Promise<SocialAccount> {
    const { instagram, tokens, clock } = this.services;
    return connectAccount(ctx.em, ctx, personCaller(ctx.identity).userId, input, { instagram, tokens, now: clock.now() });
  }

  @Access({ policy: accountOwnerOrAdmin })
  @Mutation(() => SocialAccount, { description: "Disconnect an account: its token is erased and its scheduled posts cancelled" })
  async disconnectSocialAccount(
    @Arg("id", () => ID, { description: "A connected account of yours (any, for admins)" }) id: string,
    @Ctx() ctx: SocialContext,
  ): Promise<SocialAccount> {
    const account = (await ctx.loaders.accountById.load(id))!;
    if (account.status === SocialAccountStatus.DISCONNECTED) return account;
    const now = this.services.clock.now();
    await ctx.em.transactional(async (tx) => {
      Object.assign(account, { status: SocialAccountStatus.DISCONNECTED, tokenSealed: "", updatedAt: now });
      tx.persist(account);
      // Waiting to publish: scheduled, or between tries with nothing out (no slot kept) and no live
      // claim. A publisher's post in hand, or one whose publish may have gone through, is left to it.
      const between = { status: ScheduledPostStatus.PUBLISHING, slotTakenAt: null, $or: [{ leaseUntil: null }, { leaseUntil: { $lt: now } }] };
      const cancelled = await tx.nativeUpdate(
        ScheduledPost,
        { accountId: account.id, $or: [{ status: ScheduledPostStatus.SCHEDULED }, between] },
        { status: ScheduledPostStatus.CANCELLED, updatedAt: now },
      );
      queueAudit(tx, ctx, "social_account.disconnected", { type: "SocialAccount", id: account.id }, { handle: account.handle, cancelledPosts: cancelled });
    });
    return account;
  }

  @Access({ roles: [...MARKETERS], scope: "social:read" })
  @Query(() => [SocialAccount], { description: "Your connected accounts (disconnected ones too), oldest first" })
  socialAccounts(@Ctx() ctx: SocialContext): Promise<SocialAccount[]> {
    return ctx.em.find(SocialAccount, { ownerId: signedInCaller(ctx.identity).userId }, { orderBy: { createdAt: "asc", id: "asc" }, limit: 100 });
  }

  @FieldResolver(() => User, { description: "The account that connected it (a marketer or an admin)" })
  owner(@Root() account: SocialAccount): User {
    return ref(User, account.ownerId);
  }
}

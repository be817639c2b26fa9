import { Access, badInput, isCaller, signedInCaller } from "@solo/kit";
import { Arg, Ctx, Mutation, Query, Resolver } from "type-graphql";
import { SocialItem } from "./entities";
import type { SocialContext } from "./loaders";

/**
 * Each field says who may call it and which API-key scope it needs (`@Access`; a named policy for
 * owner-or-admin decisions): resolvers read who is calling, they decide nothing about access.
 */
@Resolver(() => SocialItem)
export class SocialItemResolver {
  @Access({ scope: "social:write" })
  @Mutation(() => SocialItem, { description: "Add an item of your own" })
  async addSocialItem(@Arg("title") title: string, @Ctx() ctx: SocialContext): Promise<SocialItem> {
    if (!title.trim()) throw badInput("title must not be blank", "title");
    const item = ctx.em.create(SocialItem, { title: title.trim(), ownerId: signedInCaller(ctx.identity).userId });
    await ctx.em.flush();
    return item;
  }

  @Access({ scope: "social:read" })
  @Query(() => [SocialItem], { description: "Your items, newest first (the latest 100)" })
  mySocialItems(@Ctx() ctx: SocialContext): Promise<SocialItem[]> {
    return ctx.em.find(SocialItem, { ownerId: signedInCaller(ctx.identity).userId }, { orderBy: { createdAt: "desc", id: "desc" }, limit: 100 });
  }
}

/** Entity resolution for other subgraphs: only the owner sees an item. */
export async function resolveItemReference(reference: { id: string }, ctx: SocialContext): Promise<SocialItem | null> {
  const item = await ctx.loaders.itemById.load(reference.id);
  return item && isCaller(ctx.identity, item.ownerId) ? item : null;
}

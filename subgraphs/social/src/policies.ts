import { isUuid, notFound, ownerOrAdmin } from "@solo/kit";
import type { ScheduledPost, SocialAccount } from "./entities";
import type { SocialContext } from "./loaders";

/**
 * The social subgraph's access policies, declared on the fields they guard (`@Access({ policy })`).
 * An account, and all it holds, is its owner's and admins' only: for anyone else it does not exist
 * (NOT_FOUND), so ids cannot be probed. Each loads its subject through the request's loaders.
 */

function accountNamed(id: string | undefined, ctx: SocialContext): Promise<SocialAccount | null> {
  return id && isUuid(id) ? ctx.loaders.accountById.load(id) : Promise.resolve(null);
}

/** Acting on or reading an account named by `accountId` (or `input.accountId`, or `id`). */
export const accountOwnerOrAdmin = ownerOrAdmin<SocialContext, SocialAccount, unknown, { accountId?: string; id?: string; input?: { accountId?: string } }>(
  "accountOwnerOrAdmin",
  {
    subject: ({ args, context }) => accountNamed(args.accountId ?? args.input?.accountId ?? args.id, context),
    ownerOf: (account) => account.ownerId,
    missing: () => notFound("Social account"),
  },
);

/** A scheduled post, named by `id`: its account's owner's and admins'. */
export const scheduledPostOwnerOrAdmin = ownerOrAdmin<SocialContext, { post: ScheduledPost; account: SocialAccount }, unknown, { id: string }>(
  "scheduledPostOwnerOrAdmin",
  {
    subject: async ({ args, context }) => {
      const post = isUuid(args.id) ? await context.loaders.scheduledPostById.load(args.id) : null;
      const account = post && (await context.loaders.accountById.load(post.accountId));
      return post && account ? { post, account } : null;
    },
    ownerOf: ({ account }) => account.ownerId,
    missing: () => notFound("Scheduled post"),
  },
);

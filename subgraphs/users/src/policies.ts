import { definePolicy, forbidden, isCaller, notFound, ownerOrAdmin } from "@solo/kit";
import type { UsersContext } from "./context";
import type { ApiKey } from "./entities";

/**
 * The users subgraph's access policies, declared on the fields they guard (`@Access({ policy })`).
 * The generic ones (`selfOrAdmin` on an account's private fields, `signedIn` for `me`) are the kit's.
 */

/** Revoking a key: its owner's or an admin's. Someone else's key is reported missing, so ids cannot be probed. */
export const apiKeyOwnerOrAdmin = ownerOrAdmin<UsersContext, ApiKey, unknown, { id: string }>("apiKeyOwnerOrAdmin", {
  subject: ({ args, context }) => context.loaders.apiKeyById.load(args.id),
  ownerOf: (apiKey) => apiKey.owner.id,
  missing: () => notFound("API key"),
});

/** An admin changes other accounts' roles, never their own (there would be no admin left to undo it). */
export const notOwnRole = definePolicy<UsersContext, unknown, { userId: string }>("notOwnRole", ({ identity, args }) => {
  if (isCaller(identity, args.userId)) throw forbidden("Admins cannot change their own role");
  return true;
});

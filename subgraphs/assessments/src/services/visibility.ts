import type { Identity } from "@solo/kit";
import { isAdmin } from "@solo/kit";
import type { MockTest } from "../entities";
import { TestStatus } from "../entities";

const isUser = (identity: Identity, userId: string) => identity.kind !== "anonymous" && identity.userId === userId;

/** Published tests are open; drafts belong to their author and admins. */
export const canSeeTest = (identity: Identity, test: MockTest) =>
  test.status === TestStatus.PUBLISHED || isUser(identity, test.authorId) || isAdmin(identity);

export const canEditTest = (identity: Identity, test: MockTest) => isUser(identity, test.authorId) || isAdmin(identity);

/** Attempts, sessions and progress are their owner's and admins'. */
export const canSeeOwn = (identity: Identity, ownerId: string) => isUser(identity, ownerId) || isAdmin(identity);

export const callerId = (identity: Identity): string => (identity.kind === "anonymous" ? "" : identity.userId);

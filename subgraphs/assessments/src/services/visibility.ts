import type { Identity } from "@solo/kit";
import { callerId as kitCallerId, isAdmin, isCaller, publicReader, visibilityFilter } from "@solo/kit";
import type { MockTest } from "../entities";
import { TestStatus } from "../entities";

/**
 * What each caller may see here: query filters (named, so the fields that apply them say so in
 * their `@Access({ filter })` and in schema/access-rules.txt), and the ownership facts the
 * subgraph's access policies (src/policies.ts) are built on.
 */

/**
 * Who reads assessments' public data (`@Access({ publicData: true })`): an API key without
 * assessments:read reads as an anonymous caller, so it sees what is public and nothing of its owner's.
 */
export const assessmentsReader = (identity: Identity): Identity => publicReader(identity, "assessments:read");

/** Published tests are open; drafts belong to their author and admins. */
export const publishedOrAuthor = visibilityFilter<MockTest>("publishedOrAuthor", (identity, test) => test.status === TestStatus.PUBLISHED || canEditTest(identity, test));

export const canSeeTest = (identity: Identity, test: MockTest) => publishedOrAuthor.visible(identity, test);

export const canEditTest = (identity: Identity, test: MockTest) => isCaller(identity, test.authorId) || isAdmin(identity);

/** Attempts and sessions reached by reference are their owner's and admins'. */
export const ownerOrAdminRows = visibilityFilter<{ userId: string }>("ownerOrAdminRows", (identity, row) => isCaller(identity, row.userId) || isAdmin(identity));

/** The caller's account id, "" for anonymous callers (which matches no row). */
export const callerId = (identity: Identity): string => kitCallerId(identity) ?? "";

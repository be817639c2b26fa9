import type { Identity } from "@solo/kit";
import { badInput, definePolicy, forbidden, isUuid, notFound, ownerOrAdmin, requireScope, signedInCaller } from "@solo/kit";
import type { ContentContext } from "./context";
import type { Course, FlashcardDeck, MediaAsset, UploadPurpose } from "./entities";
import { UPLOAD_POLICIES } from "./services/upload-policy";
import { canEditCourse, canSeeCourse, canSeeDeck, ownsAsset } from "./services/visibility";

/**
 * The content subgraph's access policies, declared on the fields they guard (`@Access({ policy })`).
 * Each loads its subject through the request's loaders, so the resolver reading it again costs no query.
 */

/**
 * A deck the caller may see (null otherwise): its owner's, an admin's, or one linked to a published
 * course. `reader`: who is reading, when not the caller as such (`contentReader` for public data).
 */
export async function visibleDeck(id: string, ctx: ContentContext, reader: Identity = ctx.identity): Promise<FlashcardDeck | null> {
  const deck = isUuid(id) ? await ctx.loaders.deckById.load(id) : null;
  if (!deck) return null;
  const course = deck.course ? await ctx.loaders.courseById.load(deck.course.id) : null;
  return canSeeDeck(reader, deck, course) ? deck : null;
}

/** Changing a course (lessons, publishing): its author's or an admin's; a draft others cannot see is missing. */
export const courseAuthorOrAdmin = ownerOrAdmin<ContentContext, Course, unknown, { id?: string; courseId?: string }>("courseAuthorOrAdmin", {
  subject: ({ args, context }) => context.loaders.courseById.load((args.courseId ?? args.id)!),
  ownerOf: (course) => course.authorId,
  hidden: (identity, course) => !canSeeCourse(identity, course),
  missing: () => notFound("Course"),
  refused: () => forbidden("Only the course's author or an admin can change it"),
});

/** Adding cards: the deck's owner or an admin; a deck the caller cannot see is missing. */
export const deckOwnerOrAdmin = ownerOrAdmin<ContentContext, FlashcardDeck, unknown, { deckId: string }>("deckOwnerOrAdmin", {
  subject: ({ args, context }) => visibleDeck(args.deckId, context),
  ownerOf: (deck) => deck.ownerId,
  missing: () => notFound("Flashcard deck"),
  refused: () => forbidden("Only the deck's owner or an admin can add cards"),
});

/** A new deck linked to a course shares it with the course's students: only with a course the caller authors (or any, for admins). */
export const linkedCourseAuthorOrAdmin = definePolicy<ContentContext, unknown, { input: { courseId?: string | null } }>(
  "linkedCourseAuthorOrAdmin",
  async ({ identity, args, context }) => {
    const courseId = args.input.courseId;
    if (!courseId) return true;
    const course = isUuid(courseId) ? await context.loaders.courseById.load(courseId) : null;
    if (!course || !canEditCourse(identity, course)) throw notFound("Course");
    return true;
  },
);

/**
 * An upload's purpose decides who may ask for it: an API key needs that purpose's scope (one of the
 * field's), and a purpose kept for some roles is, by the contract, bad input for the others.
 */
export const uploadPurposeAllowed = definePolicy<ContentContext, unknown, { input: { purpose: UploadPurpose } }>("uploadPurposeAllowed", ({ identity, args }) => {
  const { purpose } = args.input;
  const policy = UPLOAD_POLICIES[purpose];
  requireScope(identity, policy.scope);
  if (policy.roles && !policy.roles.includes(signedInCaller(identity).role)) {
    throw badInput(`Uploads for ${purpose} are for ${policy.roles.join(" and ")} accounts`, "purpose");
  }
  return true;
});

/** Completing an upload: the uploader only (not admins), with the scope its purpose needs. */
export const uploaderOnly = definePolicy<ContentContext, unknown, { assetId: string }>("uploaderOnly", async ({ identity, args, context }) => {
  const asset = await context.loaders.assetById.load(args.assetId);
  if (!asset) throw notFound("Upload");
  if (!ownsAsset(identity, asset)) throw forbidden("Only the uploader can complete an upload");
  requireScope(identity, UPLOAD_POLICIES[asset.purpose].scope);
  return true;
});

/** Reading an upload by id: the uploader's and admins'; null for anyone else. */
export const uploaderOrAdmin = ownerOrAdmin<ContentContext, MediaAsset, unknown, { id: string }>("uploaderOrAdmin", {
  subject: ({ args, context }) => context.loaders.assetById.load(args.id),
  ownerOf: (asset) => asset.ownerId,
});

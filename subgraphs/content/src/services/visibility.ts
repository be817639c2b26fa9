import type { Identity } from "@solo/kit";
import { isAdmin, isCaller, publicReader, visibilityFilter } from "@solo/kit";
import type { Course, FlashcardDeck, MediaAsset } from "../entities";
import { AssetStatus, CourseStatus } from "../entities";
import { UPLOAD_POLICIES } from "./upload-policy";

/**
 * What content each caller may see: query filters (named, so the fields that apply them say so in
 * their `@Access({ filter })` and in schema/access-rules.txt), and the ownership facts the
 * subgraph's access policies (src/policies.ts) are built on.
 */

/**
 * Who reads content's public data (`@Access({ publicData: true })`): an API key without content:read
 * reads as an anonymous caller, so it sees what is public and nothing of its owner's.
 */
export const contentReader = (identity: Identity): Identity => publicReader(identity, "content:read");

/** Published courses are public; drafts and archived courses belong to their author and admins. */
export const publishedOrAuthor = visibilityFilter<Course>(
  "publishedOrAuthor",
  (identity, course) => course.status === CourseStatus.PUBLISHED || canEditCourse(identity, course),
);

export function canSeeCourse(identity: Identity, course: Course): boolean {
  return publishedOrAuthor.visible(identity, course);
}

export function canEditCourse(identity: Identity, course: Course): boolean {
  return isCaller(identity, course.authorId) || isAdmin(identity);
}

/** A deck is its owner's (and admins'); linked to a published course, everyone may study it. */
export const ownDeckOrPublishedCourse = visibilityFilter<{ deck: FlashcardDeck; course: Course | null }>(
  "ownDeckOrPublishedCourse",
  (identity, { deck, course }) => canEditDeck(identity, deck) || course?.status === CourseStatus.PUBLISHED,
);

export function canSeeDeck(identity: Identity, deck: FlashcardDeck, course: Course | null): boolean {
  return ownDeckOrPublishedCourse.visible(identity, { deck, course });
}

function canEditDeck(identity: Identity, deck: FlashcardDeck): boolean {
  return isCaller(identity, deck.ownerId) || isAdmin(identity);
}

export function ownsAsset(identity: Identity, asset: MediaAsset): boolean {
  return isCaller(identity, asset.ownerId);
}

/**
 * An asset reached from anywhere (a reference, a course's cover): the uploader's and admins', and
 * everyone's once READY when its purpose is public (profile pictures, course covers).
 */
export const publicOrOwnAsset = visibilityFilter<MediaAsset>(
  "publicOrOwnAsset",
  (identity, asset) => (asset.status === AssetStatus.READY && UPLOAD_POLICIES[asset.purpose].public === true) || ownsAsset(identity, asset) || isAdmin(identity),
);

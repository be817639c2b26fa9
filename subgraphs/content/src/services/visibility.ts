import type { Identity } from "@solo/kit";
import { isAdmin } from "@solo/kit";
import type { Course, FlashcardDeck, MediaAsset } from "../entities";
import { CourseStatus } from "../entities";

const isUser = (identity: Identity, userId: string) => identity.kind !== "anonymous" && identity.userId === userId;

/** Published courses are public; drafts and archived courses belong to their author and admins. */
export function canSeeCourse(identity: Identity, course: Course): boolean {
  return course.status === CourseStatus.PUBLISHED || isUser(identity, course.authorId) || isAdmin(identity);
}

export function canEditCourse(identity: Identity, course: Course): boolean {
  return isUser(identity, course.authorId) || isAdmin(identity);
}

/** A deck is its owner's; linked to a published course, everyone may study it. */
export function canSeeDeck(identity: Identity, deck: FlashcardDeck, course: Course | null): boolean {
  return isUser(identity, deck.ownerId) || isAdmin(identity) || course?.status === CourseStatus.PUBLISHED;
}

export function canEditDeck(identity: Identity, deck: FlashcardDeck): boolean {
  return isUser(identity, deck.ownerId) || isAdmin(identity);
}

export function ownsAsset(identity: Identity, asset: MediaAsset): boolean {
  return isUser(identity, asset.ownerId);
}

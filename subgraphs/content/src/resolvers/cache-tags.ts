import { collectionTag, entityTag } from "@solo/kit";
import type { ContentContext } from "../context";

/**
 * What content's answers read, as the gateway's response cache names it (see `ctx.reads`). A
 * course's lessons are part of the course; a change to any course changes the catalog, the lists
 * of authored courses and the lookups that found nothing (COURSES).
 */
export const COURSES = collectionTag("Course");
export const MATERIALS = collectionTag("ReadingMaterial");
export const courseTag = (id: string) => entityTag("Course", id);
export const assetTag = (id: string) => entityTag("MediaAsset", id);
/** The users subgraph's account, as it names it: what users sends for a User (avatarAssetId) changes with it. */
export const userTag = (id: string) => entityTag("User", id);

/** After a course, or one of its lessons, is committed: every gateway evicts what read it. */
export function courseChanged(ctx: ContentContext, courseId: string): Promise<void> {
  return ctx.changed(courseTag(courseId), COURSES);
}

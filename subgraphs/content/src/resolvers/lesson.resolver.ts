import type { Row } from "@solo/kit";
import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import { AssetStatus, Course, Lesson, MediaAsset } from "../entities";
import type { ContentContext } from "../context";
import { canSeeCourse, contentReader } from "../services/visibility";
import { COURSES, assetTag, courseTag } from "./cache-tags";

@Resolver(() => Lesson)
export class LessonResolver {
  @FieldResolver(() => Course, { description: "The course it belongs to" })
  async course(@Root() lesson: Row<Lesson>, @Ctx() ctx: ContentContext): Promise<Course> {
    ctx.reads(courseTag(lesson.course.id));
    return (await ctx.loaders.courseById.load(lesson.course.id))!;
  }

  @FieldResolver(() => [MediaAsset], { description: "Videos, audio and documents of the lesson (LESSON_MEDIA uploads), in display order" })
  async media(@Root() lesson: Row<Lesson>, @Ctx() ctx: ContentContext): Promise<MediaAsset[]> {
    ctx.reads(...lesson.mediaAssetIds.map(assetTag));
    const assets = await ctx.loaders.assetById.loadMany(lesson.mediaAssetIds);
    return assets.filter((asset): asset is MediaAsset => asset instanceof MediaAsset && asset.status === AssetStatus.READY);
  }
}

/** Public data, as the course's own reference: a key without content:read reads as anonymous (a published course's lesson). */
export async function resolveLessonReference(reference: { id: string }, ctx: ContentContext): Promise<Lesson | null> {
  const lesson = await ctx.loaders.lessonById.load(reference.id);
  const course = lesson && (await ctx.loaders.courseById.load(lesson.course.id));
  // A lesson is part of its course: adding or changing one is a change to the course.
  ctx.reads(course ? courseTag(course.id) : COURSES);
  return lesson && course && canSeeCourse(contentReader(ctx.identity), course) ? lesson : null;
}

import { requireScope } from "@solo/kit";
import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import { AssetStatus, Course, Lesson, MediaAsset } from "../entities";
import type { ContentContext } from "../context";
import { canSeeCourse } from "../services/visibility";

@Resolver(() => Lesson)
export class LessonResolver {
  @FieldResolver(() => Course)
  async course(@Root() lesson: Lesson, @Ctx() ctx: ContentContext): Promise<Course> {
    return (await ctx.loaders.courseById.load(lesson.course.id))!;
  }

  @FieldResolver(() => [MediaAsset])
  async media(@Root() lesson: Lesson, @Ctx() ctx: ContentContext): Promise<MediaAsset[]> {
    const assets = await ctx.loaders.assetById.loadMany(lesson.mediaAssetIds);
    return assets.filter((asset): asset is MediaAsset => asset instanceof MediaAsset && asset.status === AssetStatus.READY);
  }
}

export async function resolveLessonReference(reference: { id: string }, ctx: ContentContext): Promise<Lesson | null> {
  requireScope(ctx.identity, "content:read");
  const lesson = await ctx.loaders.lessonById.load(reference.id);
  const course = lesson && (await ctx.loaders.courseById.load(lesson.course.id));
  return lesson && course && canSeeCourse(ctx.identity, course) ? lesson : null;
}

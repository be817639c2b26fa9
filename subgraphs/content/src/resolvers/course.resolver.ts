import { UniqueConstraintViolationException } from "@mikro-orm/core";
import type { Row } from "@solo/kit";
import { Access, CacheHint, DEFAULT_CACHE_MAX_AGE, badInput, findRow, isUuid, paginate, queueAudit, nextPosition, signedInCaller } from "@solo/kit";
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { Course, CourseStatus, Lesson, MediaAsset, UploadPurpose, User, userRef } from "../entities";
import type { ContentContext } from "../context";
import { requireOwnReadyAsset } from "../services/assets";
import { slugify, withSuffix } from "../services/slugs";
import { courseAuthorOrAdmin } from "../policies";
import { canSeeCourse, contentReader, publishedOrAuthor } from "../services/visibility";
import { CourseConnection, CourseFilter, CreateCourseInput, LessonInput } from "./types";
import { COURSES, assetTag, courseChanged, courseTag } from "./cache-tags";

const AUTHORS = ["INSTRUCTOR", "ADMIN"] as const;

function normalizeTags(tags: string[] | undefined): string[] {
  return [...new Set((tags ?? []).map((tag) => tag.trim().toLowerCase()).filter(Boolean))];
}

@Resolver(() => Course)
export class CourseResolver {
  @Access({ publicData: true, scope: "content:read", filter: publishedOrAuthor })
  @Query(() => Course, { nullable: true, description: "A course by slug; null when it does not exist or is a draft you cannot see" })
  async course(@Arg("slug", { description: "The course's slug" }) slug: string, @Ctx() ctx: ContentContext): Promise<Row<Course> | null> {
    const course = await findRow(ctx.em, Course, { slug });
    const visible = course && publishedOrAuthor.visible(contentReader(ctx.identity), course) ? course : null;
    // Nothing to see here yet: a course created or published under this slug is a change to COURSES.
    ctx.reads(visible ? courseTag(visible.id) : COURSES);
    return visible;
  }

  @Access({ publicData: true, scope: "content:read" })
  @CacheHint({ maxAge: DEFAULT_CACHE_MAX_AGE })
  @Query(() => CourseConnection, { description: "Published courses, newest first" })
  courses(
    @Arg("first", () => Int, { description: "Page size: 0 to 100, 20 by default", nullable: true }) first: number | null,
    @Arg("after", () => String, { description: "Cursor from a previous page's pageInfo.endCursor: the page starts after it", nullable: true }) after: string | null,
    @Arg("filter", () => CourseFilter, { description: "Only courses matching this", nullable: true }) filter: CourseFilter | null,
    @Ctx() ctx: ContentContext,
  ): Promise<CourseConnection> {
    const where: Record<string, unknown> = { status: CourseStatus.PUBLISHED };
    if (filter?.level) where.level = filter.level;
    if (filter?.tag) where.tags = { $contains: [filter.tag.trim().toLowerCase()] };
    if (filter?.authorId) where.authorId = isUuid(filter.authorId) ? filter.authorId : "00000000-0000-0000-0000-000000000000";
    ctx.reads(COURSES);
    return paginate(ctx.em, Course, where, { first, after, direction: "desc" });
  }

  @Access({ roles: [...AUTHORS], scope: "content:write" })
  @Mutation(() => Course, { description: "A new draft course (instructors and admins)" })
  async createCourse(@Arg("input", { description: "The new course" }) input: CreateCourseInput, @Ctx() ctx: ContentContext): Promise<Course> {
    const author = signedInCaller(ctx.identity);
    const title = input.title.trim();
    if (title.length < 3) throw badInput("title must be 3 to 120 characters", "title");
    const cover = input.coverAssetId ? await requireOwnReadyAsset(ctx, input.coverAssetId, UploadPurpose.COURSE_COVER, "coverAssetId") : null;
    const base = slugify(title);
    for (let attempt = 0; ; attempt++) {
      const em = ctx.em.fork();
      const course = em.create(Course, {
        slug: attempt === 0 ? base : withSuffix(base),
        title,
        description: input.description.trim(),
        level: input.level,
        tags: normalizeTags(input.tags),
        authorId: author.userId,
        coverAssetId: cover?.id ?? null,
      });
      try {
        await em.flush();
        await courseChanged(ctx, course.id);
        return ctx.em.merge(course);
      } catch (error) {
        // Another course has this slug: try again with a suffix.
        if (!(error instanceof UniqueConstraintViolationException) || attempt >= 3) throw error;
      }
    }
  }

  @Access({ roles: [...AUTHORS], scope: "content:write", policy: courseAuthorOrAdmin })
  @Mutation(() => Lesson, { description: "Append a lesson to a course you author" })
  async addLesson(
    @Arg("courseId", () => ID, { description: "A course you author (any, for admins)" }) courseId: string,
    @Arg("input", { description: "The new lesson" }) input: LessonInput,
    @Ctx() ctx: ContentContext,
  ): Promise<Lesson> {
    const course = await this.editableCourse(courseId, ctx);
    const media: MediaAsset[] = [];
    for (const [index, assetId] of (input.mediaAssetIds ?? []).entries()) {
      media.push(await requireOwnReadyAsset(ctx, assetId, UploadPurpose.LESSON_MEDIA, `mediaAssetIds[${index}]`));
    }
    const lesson = await ctx.em.transactional(async (em) => {
      const position = await nextPosition(em, "content", { table: "courses", id: course.id }, { table: "lessons", parentColumn: "course_id" });
      const created = em.create(Lesson, {
        course: em.getReference(Course, course.id),
        position,
        title: input.title.trim(),
        body: input.body,
        durationMinutes: input.durationMinutes,
        mediaAssetIds: media.map((asset) => asset.id),
      });
      if (course.status === CourseStatus.PUBLISHED) {
        queueAudit(em, ctx, "course.lesson_added", { type: "Course", id: course.id }, { lessonId: created.id });
      }
      return created;
    });
    ctx.loaders.lessonCountByCourse.clear(course.id);
    await courseChanged(ctx, course.id);
    return lesson;
  }

  @Access({ roles: [...AUTHORS], scope: "content:write", policy: courseAuthorOrAdmin })
  @Mutation(() => Course, { description: "Make a course you author public; it needs at least one lesson" })
  async publishCourse(@Arg("id", () => ID, { description: "A course you author (any, for admins)" }) id: string, @Ctx() ctx: ContentContext): Promise<Course> {
    const course = await this.editableCourse(id, ctx);
    if (course.status === CourseStatus.PUBLISHED) return course;
    if ((await ctx.loaders.lessonCountByCourse.load(course.id)) === 0) {
      throw badInput("A course needs at least one lesson before it can be published", "id");
    }
    course.status = CourseStatus.PUBLISHED;
    course.publishedAt = new Date();
    queueAudit(ctx.em, ctx, "course.published", { type: "Course", id: course.id }, { slug: course.slug });
    await ctx.em.flush();
    await courseChanged(ctx, course.id);
    return course;
  }

  /** The course courseAuthorOrAdmin let the caller change, from the loader it was read through. */
  private async editableCourse(id: string, ctx: ContentContext): Promise<Course> {
    return (await ctx.loaders.courseById.load(id))!;
  }

  @FieldResolver(() => User, { description: "The account that wrote it (an instructor or an admin)" })
  author(@Root() course: Row<Course>): User {
    return userRef(course.authorId);
  }

  @FieldResolver(() => MediaAsset, { description: "Cover picture (a COURSE_COVER upload); null without one", nullable: true })
  cover(@Root() course: Row<Course>, @Ctx() ctx: ContentContext): Promise<MediaAsset | null> | null {
    if (!course.coverAssetId) return null;
    ctx.reads(assetTag(course.coverAssetId));
    return ctx.loaders.assetById.load(course.coverAssetId);
  }

  @FieldResolver(() => [Lesson], { description: "Every lesson, by position" })
  lessons(@Root() course: Row<Course>, @Ctx() ctx: ContentContext): Promise<Row<Lesson>[]> {
    ctx.reads(courseTag(course.id));
    return ctx.loaders.lessonsByCourse.load(course.id);
  }

  @FieldResolver(() => Int, { description: "How many lessons the course has" })
  lessonCount(@Root() course: Row<Course>, @Ctx() ctx: ContentContext): Promise<number> {
    ctx.reads(courseTag(course.id));
    return ctx.loaders.lessonCountByCourse.load(course.id);
  }
}

/**
 * Other subgraphs' references: a draft resolves only for those who may see it. A published course is
 * public data, so any API key reaches it (a mock test's course); its filter sees a key without
 * content:read as anonymous.
 */
export async function resolveCourseReference(reference: { id: string }, ctx: ContentContext): Promise<Course | null> {
  ctx.reads(courseTag(reference.id));
  const course = await ctx.loaders.courseById.load(reference.id);
  return course && canSeeCourse(contentReader(ctx.identity), course) ? course : null;
}

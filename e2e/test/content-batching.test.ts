import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Stack } from "../src/stack";
import { startStack } from "../src/stack";
import { publishedCourse, registerWithRole, uploadReady } from "../src/content-fixtures";

/**
 * A request costs a number of SQL statements per subgraph, and of subgraph fetches at the gateway,
 * fixed by the operation's shape: DataLoader per request, and the query planner's batched entity
 * fetches. Each case runs the same contract operation over 5 and over 50 (or 30) items.
 */
describe("batching: cost does not grow with list length", () => {
  let stack: Stack;
  let authors: Awaited<ReturnType<typeof registerWithRole>>[];

  before(async () => {
    stack = await startStack();
    authors = [];
    for (let i = 0; i < 5; i++) authors.push(await registerWithRole(stack, "INSTRUCTOR", `Author ${i}`));
  });
  after(() => stack.close());

  it("CourseCatalog: 5 and 50 courses by 5 authors cost the same", async () => {
    const tag = `batch${Date.now()}`;
    for (let i = 0; i < 50; i++) await publishedCourse(authors[i % 5].client, `Batch course ${i}`, { tags: [tag], lessons: 1 + (i % 3) });
    const catalog = (first: number) =>
      stack.measure(async () => {
        const response = await stack.client().op("CourseCatalog", { first, filter: { tag } });
        assert.equal(response.errors, undefined);
        assert.equal(response.data.courses.edges.length, first);
        assert.ok(response.data.courses.edges.every((edge: any) => edge.node.author.displayName.startsWith("Author")));
        assert.ok(response.data.courses.edges.every((edge: any) => edge.node.lessonCount >= 1));
      });
    const atFive = await catalog(5);
    const atFifty = await catalog(50);
    console.log(`CourseCatalog cost at 5: ${JSON.stringify(atFive)}; at 50: ${JSON.stringify(atFifty)}`);
    assert.deepEqual(atFifty, atFive);
    assert.deepEqual(atFive.fetches, { content: 1, users: 1 }, "the courses, then one batch of all their authors");
  });

  it("CourseBySlug: 5 and 30 lessons with media cost the same", async () => {
    const author = authors[0];
    const video = await uploadReady(author.client, "LESSON_MEDIA", "video/mp4");
    const avatar = await uploadReady(author.client, "AVATAR", "image/png");
    await author.client.op("UpdateProfile", { input: { avatarAssetId: avatar.id } });
    const cover = await uploadReady(author.client, "COURSE_COVER", "image/png");
    const courseWith = async (lessons: number) => {
      const course = (
        await author.client.op("CreateCourse", {
          input: { title: `Deep ${lessons}`, description: "x", level: "BEGINNER", coverAssetId: cover.id },
        })
      ).data.createCourse;
      for (let i = 0; i < lessons; i++) {
        await author.client.op("AddLesson", { courseId: course.id, input: { title: `L${i}`, body: "b", durationMinutes: 5, mediaAssetIds: [video.id] } });
      }
      await author.client.op("PublishCourse", { id: course.id });
      return course.slug;
    };
    const [small, large] = [await courseWith(5), await courseWith(30)];
    const view = (slug: string, lessons: number) =>
      stack.measure(async () => {
        const response = await stack.client().op("CourseBySlug", { slug });
        assert.equal(response.errors, undefined);
        assert.equal(response.data.course.lessons.length, lessons);
        assert.ok(response.data.course.lessons.every((lesson: any) => lesson.media[0].url));
        assert.ok(response.data.course.author.avatar.url);
      });
    const atFive = await view(small, 5);
    const atThirty = await view(large, 30);
    console.log(`CourseBySlug cost at 5 lessons: ${JSON.stringify(atFive)}; at 30: ${JSON.stringify(atThirty)}`);
    assert.deepEqual(atThirty, atFive);
    // Course and lessons; the author (users, which holds avatarAssetId); then the avatar (@requires).
    assert.deepEqual(atFive.fetches, { content: 2, users: 1 });
  });
});

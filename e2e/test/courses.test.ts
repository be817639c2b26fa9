import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { GATEWAY_KEY_HEADER, anonymousGatewayKey } from "@solo/kit";
import type { Stack } from "../src/stack";
import { register, registerAdmin, startStack, tableSnapshot } from "../src/stack";
import { publishedCourse, registerWithRole, uploadReady } from "../src/content-fixtures";

describe("courses, lessons and who sees drafts", () => {
  let stack: Stack;
  let instructor: Awaited<ReturnType<typeof registerWithRole>>;
  before(async () => {
    stack = await startStack();
    instructor = await registerWithRole(stack, "INSTRUCTOR", "Ina Instructor");
  });
  after(() => stack.close());

  it("creates a draft course for instructors only, with a slug and its author from the users subgraph", async () => {
    const created = await instructor.client.op("CreateCourse", {
      input: { title: "Legal Reasoning: The Basics!", description: "Arguments and assumptions", level: "BEGINNER", tags: ["CLAT", " law ", "clat"] },
    });
    assert.equal(created.errors, undefined);
    const course = created.data.createCourse;
    assert.equal(course.slug, "legal-reasoning-the-basics");
    assert.equal(course.status, "DRAFT");
    assert.deepEqual(course.tags, ["clat", "law"]);
    assert.deepEqual(course.author, { id: instructor.user.id, displayName: "Ina Instructor" });

    const twin = await instructor.client.op("CreateCourse", { input: { title: "Legal Reasoning: the basics", description: "x", level: "BEGINNER" } });
    assert.match(twin.data.createCourse.slug, /^legal-reasoning-the-basics-[0-9a-f]{6}$/);

    const student = await register(stack);
    const before = await tableSnapshot(stack, "content");
    const denied = await student.client.op("CreateCourse", { input: { title: "Nope", description: "x", level: "BEGINNER" } });
    assert.equal(denied.errors?.[0].extensions?.code, "FORBIDDEN");
    const anonymous = await stack.client().op("CreateCourse", { input: { title: "Nope", description: "x", level: "BEGINNER" } });
    assert.equal(anonymous.errors?.[0].extensions?.code, "UNAUTHENTICATED");
    const invalid = await instructor.client.op("CreateCourse", { input: { title: "ab", description: "", level: "BEGINNER" } });
    assert.equal(invalid.errors?.[0].extensions?.code, "BAD_USER_INPUT");
    const blank = await instructor.client.op("CreateCourse", { input: { title: "      ", description: "   ", level: "BEGINNER" } });
    assert.deepEqual(blank.errors?.[0].extensions?.fields.map((f: any) => f.field).sort(), ["description", "title"]);
    assert.deepEqual(await tableSnapshot(stack, "content"), before);
  });

  it("numbers lessons in order, counts them, and lets only the author or an admin add them", async () => {
    const course = (await instructor.client.op("CreateCourse", { input: { title: "Ordering", description: "x", level: "INTERMEDIATE" } })).data.createCourse;
    const added = await Promise.all(
      [1, 2, 3].map((i) => instructor.client.op("AddLesson", { courseId: course.id, input: { title: `L${i}`, body: "b", durationMinutes: 5 } })),
    );
    assert.deepEqual(added.map((lesson) => lesson.data.addLesson.position).sort(), [1, 2, 3], "concurrent appends get distinct positions");
    const last = added.find((lesson) => lesson.data.addLesson.position === 3)!;
    assert.equal(last.data.addLesson.course.lessonCount, 3, "the last append sees all three");

    const rival = await registerWithRole(stack, "INSTRUCTOR");
    const denied = await rival.client.op("AddLesson", { courseId: course.id, input: { title: "x", body: "b", durationMinutes: 5 } });
    assert.equal(denied.errors?.[0].extensions?.code, "NOT_FOUND", "a draft is invisible to other instructors");
    const admin = await registerAdmin(stack);
    const byAdmin = await admin.client.op("AddLesson", { courseId: course.id, input: { title: "Admin's", body: "b", durationMinutes: 5 } });
    assert.equal(byAdmin.data.addLesson.position, 4);
    const before = await tableSnapshot(stack, "content");
    const tooLong = await instructor.client.op("AddLesson", { courseId: course.id, input: { title: "x", body: "b", durationMinutes: 601 } });
    assert.equal(tooLong.errors?.[0].extensions?.code, "BAD_USER_INPUT");
    const blank = await instructor.client.op("AddLesson", { courseId: course.id, input: { title: "   ", body: "\n\t", durationMinutes: 5 } });
    assert.equal(blank.errors?.[0].extensions?.code, "BAD_USER_INPUT");
    assert.deepEqual(await tableSnapshot(stack, "content"), before);
  });

  it("shows a draft to its author and admins only, and publishes it with an audit row", async () => {
    const course = (await instructor.client.op("CreateCourse", { input: { title: "Secret Draft", description: "x", level: "ADVANCED" } })).data.createCourse;
    const empty = await instructor.client.op("PublishCourse", { id: course.id });
    assert.equal(empty.errors?.[0].extensions?.code, "BAD_USER_INPUT", "a course needs a lesson first");
    await instructor.client.op("AddLesson", { courseId: course.id, input: { title: "Only lesson", body: "b", durationMinutes: 5 } });

    const student = await register(stack);
    const admin = await registerAdmin(stack);
    const look = async (client = stack.client()) => (await client.op("CourseBySlug", { slug: course.slug })).data.course;
    assert.equal(await look(), null);
    assert.equal(await look(student.client), null);
    assert.equal((await look(instructor.client)).status, "DRAFT");
    assert.equal((await look(admin.client)).id, course.id);
    const notYours = await student.client.op("PublishCourse", { id: course.id });
    assert.equal(notYours.errors?.[0].extensions?.code, "FORBIDDEN", "students publish nothing");
    // Nor through references, another person's authoredCourses, or search.
    const lessonId = (await look(instructor.client)).lessons[0].id;
    const references = await fetch(stack.subgraphUrls.content, {
      method: "POST",
      headers: { "content-type": "application/json", [GATEWAY_KEY_HEADER]: anonymousGatewayKey() },
      body: JSON.stringify({
        query: `{ _entities(representations: [{ __typename: "Course", id: "${course.id}" }, { __typename: "Lesson", id: "${lessonId}" }]) { ... on Course { id } ... on Lesson { id } } }`,
      }),
    });
    assert.deepEqual(((await references.json()) as any).data._entities, [null, null]);
    const theirs = await stack.client().request(`query($r: [_Any!]!) { _entities(representations: $r) { ... on User { authoredCourses { id } } } }`, {
      r: [{ __typename: "User", id: instructor.user.id }],
    });
    assert.ok(theirs.errors || !theirs.data._entities[0].authoredCourses.some((c: any) => c.id === course.id));
    const searched = await stack.client().op("SearchContent", { query: "Secret Draft Only lesson" });
    assert.deepEqual(searched.data.searchContent, [], "neither the draft nor its lessons are found");

    const published = await instructor.client.op("PublishCourse", { id: course.id });
    assert.equal(published.data.publishCourse.status, "PUBLISHED");
    assert.ok(published.data.publishCourse.publishedAt);
    assert.equal((await look(student.client)).lessons.length, 1);

    // The audit row travels through content's outbox to the users subgraph's log.
    await stack.subgraph("content").runJobNow("deliver-audit-events");
    const log = await admin.client.op("AuditLog", { first: 20 });
    const entry = log.data.auditLog.edges.map((edge: any) => edge.node).find((node: any) => node.resourceId === course.id);
    assert.deepEqual(
      { action: entry.action, resourceType: entry.resourceType, actor: entry.actor.id },
      {
        action: "course.published",
        resourceType: "Course",
        actor: instructor.user.id,
      },
    );
    const outbox = await stack.db.query("select count(*)::int as n from content.audit_outbox");
    assert.equal(outbox.rows[0].n, 0, "delivered events leave the outbox");
  });

  it("sets a malformed audit event aside without blocking the ones behind it", async () => {
    await stack.db.query(
      `insert into content.audit_outbox (id, action, resource_type, resource_id, created_at) values
        ('00000000-0000-4000-8000-00000000000a', 'bad.event', 'Course', '', now() - interval '1 minute'),
        ('00000000-0000-4000-8000-00000000000b', 'course.published', 'Course', 'c1', now())`,
    );
    await stack.subgraph("content").runJobNow("deliver-audit-events");
    const left = await stack.db.query("select id, rejected_at is not null as rejected from content.audit_outbox order by id");
    assert.deepEqual(left.rows, [{ id: "00000000-0000-4000-8000-00000000000a", rejected: true }]);
    const delivered = await stack.db.query("select action from users.audit_log where id = '00000000-0000-4000-8000-00000000000b'");
    assert.equal(delivered.rows[0].action, "course.published");
    await stack.subgraph("content").runJobNow("deliver-audit-events");
    assert.equal((await stack.db.query("select count(*)::int as n from users.audit_log where id = '00000000-0000-4000-8000-00000000000b'")).rows[0].n, 1);
  });

  it("serves the full CourseBySlug shape: cover, author avatar, lessons with media", async () => {
    const cover = await uploadReady(instructor.client, "COURSE_COVER", "image/jpeg");
    const video = await uploadReady(instructor.client, "LESSON_MEDIA", "video/mp4");
    const avatar = await uploadReady(instructor.client, "AVATAR", "image/webp");
    await instructor.client.op("UpdateProfile", { input: { avatarAssetId: avatar.id } });
    const course = (
      await instructor.client.op("CreateCourse", {
        input: { title: "With Media", description: "x", level: "BEGINNER", coverAssetId: cover.id },
      })
    ).data.createCourse;
    await instructor.client.op("AddLesson", { courseId: course.id, input: { title: "Watch", body: "b", durationMinutes: 7, mediaAssetIds: [video.id] } });
    await instructor.client.op("PublishCourse", { id: course.id });

    const view = (await stack.client().op("CourseBySlug", { slug: course.slug })).data.course;
    assert.ok(view.cover.url);
    assert.equal(view.author.displayName, "Ina Instructor");
    assert.ok(view.author.avatar.url);
    assert.deepEqual(
      view.lessons.map((lesson: any) => ({ position: lesson.position, media: lesson.media.map((m: any) => m.id) })),
      [{ position: 1, media: [video.id] }],
    );
    assert.equal(view.lessons[0].media[0].contentType, "video/mp4");

    const wrongPurpose = await instructor.client.op("CreateCourse", { input: { title: "Bad cover", description: "x", level: "BEGINNER", coverAssetId: video.id } });
    assert.equal(wrongPurpose.errors?.[0].extensions?.code, "BAD_USER_INPUT");
  });

  it("lists published courses only in the catalog, filtered, with authors' drafts in their own MyCourses", async () => {
    const author = await registerWithRole(stack, "INSTRUCTOR", "Catalog Author");
    await publishedCourse(author.client, "Quant Shortcuts", { tags: ["maths"], level: "ADVANCED" });
    await publishedCourse(author.client, "Reading Speed", { tags: ["english"] });
    const draft = (await author.client.op("CreateCourse", { input: { title: "Unfinished", description: "x", level: "BEGINNER" } })).data.createCourse;

    const catalog = await stack.client().op("CourseCatalog", { first: 50, filter: { authorId: author.user.id } });
    assert.deepEqual(
      catalog.data.courses.edges.map((edge: any) => edge.node.title),
      ["Reading Speed", "Quant Shortcuts"],
    );
    assert.equal(catalog.data.courses.totalCount, 2);
    assert.equal(catalog.data.courses.edges[0].node.lessonCount, 1);
    const maths = await stack.client().op("CourseCatalog", { first: 50, filter: { authorId: author.user.id, tag: "MATHS" } });
    assert.deepEqual(
      maths.data.courses.edges.map((edge: any) => edge.node.title),
      ["Quant Shortcuts"],
    );
    const advanced = await stack.client().op("CourseCatalog", { first: 50, filter: { authorId: author.user.id, level: "ADVANCED" } });
    assert.equal(advanced.data.courses.totalCount, 1);

    const mine = await author.client.op("MyCourses");
    assert.deepEqual(mine.data.me.authoredCourses.map((course: any) => course.status).sort(), ["DRAFT", "PUBLISHED", "PUBLISHED"]);
    assert.ok(mine.data.me.authoredCourses.some((course: any) => course.id === draft.id));
  });

  it("keeps catalog pages stable when courses are published between requests", async () => {
    const author = await registerWithRole(stack, "INSTRUCTOR");
    const titles = [];
    for (let i = 0; i < 5; i++) titles.push((await publishedCourse(author.client, `Stable ${i}`)).title);
    const filter = { authorId: author.user.id };
    const first = await stack.client().op("CourseCatalog", { first: 2, filter });
    const seen = first.data.courses.edges.map((edge: any) => edge.node.title);
    await publishedCourse(author.client, "Stable late");
    let cursor = first.data.courses.pageInfo.endCursor;
    for (;;) {
      const page = await stack.client().op("CourseCatalog", { first: 2, after: cursor, filter });
      seen.push(...page.data.courses.edges.map((edge: any) => edge.node.title));
      if (!page.data.courses.pageInfo.hasNextPage) break;
      cursor = page.data.courses.pageInfo.endCursor;
    }
    assert.deepEqual(seen, [...titles].reverse(), "newest first; the late course is before the cursor, so no page shifts");
  });
});

describe("API keys on content", () => {
  it("reads with content:read, writes with content:write, and nothing but public data without the scope", async () => {
    const stack = await startStack();
    try {
      const instructor = await registerWithRole(stack, "INSTRUCTOR");
      await publishedCourse(instructor.client, "Keyed course");
      const key = async (scopes: string[]) =>
        stack.client({ apiKey: (await instructor.client.op("CreateApiKey", { input: { name: scopes.join(","), scopes } })).data.createApiKey.secret });
      const reader = await key(["content:read"]);
      const writer = await key(["content:write"]);
      const unrelated = await key(["leads:read"]);
      assert.equal((await reader.op("CourseCatalog", { first: 5 })).data.courses.totalCount, 1);
      // The catalog is public data: any key reads it, whatever its scopes.
      const catalog = await unrelated.op("CourseCatalog", { first: 5 });
      assert.equal(catalog.errors, undefined, JSON.stringify(catalog.errors));
      assert.equal(catalog.data.courses.totalCount, 1);
      const write = { input: { title: "By key", description: "x", level: "BEGINNER" } };
      assert.equal((await reader.op("CreateCourse", write)).errors?.[0].extensions?.code, "FORBIDDEN");
      assert.equal((await writer.op("CreateCourse", write)).data.createCourse.title, "By key");
      const usersOnly = await key(["users:read"]);
      const mine = await usersOnly.op("MyCourses");
      assert.equal(mine.errors?.[0].extensions?.code, "FORBIDDEN", "drafts are content: a key needs content:read");
    } finally {
      await stack.close();
    }
  });
});

describe("reading materials and flashcards", () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  it("publishes reading materials with attachments and lists them by kind and topic", async () => {
    const instructor = await registerWithRole(stack, "INSTRUCTOR");
    const pdf = await uploadReady(instructor.client, "MATERIAL", "application/pdf");
    const created = await instructor.client.op("CreateReadingMaterial", {
      input: { title: "Weekly GK: November", kind: "GK_DIGEST", topic: "Current Affairs", body: "Summits and treaties", attachmentAssetId: pdf.id },
    });
    assert.equal(created.errors, undefined);
    assert.equal(created.data.createReadingMaterial.attachment.id, pdf.id);
    assert.equal(created.data.createReadingMaterial.topic, "current affairs");
    await instructor.client.op("CreateReadingMaterial", { input: { title: "Essay template", kind: "TEMPLATE", topic: "writing", body: "Intro, body" } });
    const digests = await stack.client().op("ReadingMaterials", { kind: "GK_DIGEST", first: 10 });
    assert.deepEqual(
      digests.data.readingMaterials.edges.map((edge: any) => edge.node.title),
      ["Weekly GK: November"],
    );
    assert.ok(digests.data.readingMaterials.edges[0].node.publishedAt);
    const byTopic = await stack.client().op("ReadingMaterials", { topic: "Writing" });
    assert.equal(byTopic.data.readingMaterials.totalCount, 1);
    const student = await register(stack);
    const denied = await student.client.op("CreateReadingMaterial", { input: { title: "Mine", kind: "ARTICLE", topic: "x", body: "y" } });
    assert.equal(denied.errors?.[0].extensions?.code, "FORBIDDEN");
  });

  it("keeps a student's deck private, and shares a deck linked to a published course", async () => {
    const student = await register(stack, { displayName: "Sam Student" });
    const other = await register(stack);
    const deck = await student.client.op("CreateFlashcardDeck", { input: { title: "Latin maxims" } });
    assert.equal(deck.errors, undefined);
    const deckId = deck.data.createFlashcardDeck.id;
    assert.equal(deck.data.createFlashcardDeck.owner.id, student.user.id);
    const image = await uploadReady(student.client, "FLASHCARD_MEDIA", "image/png");
    const card = await student.client.op("AddFlashcard", { deckId, input: { front: "Audi alteram partem", back: "Hear the other side", mediaAssetId: image.id } });
    assert.equal(card.errors, undefined);
    assert.ok(card.data.addFlashcard.media.url);
    await student.client.op("AddFlashcard", { deckId, input: { front: "Res judicata", back: "A matter already judged" } });

    const mine = await student.client.op("FlashcardDeck", { id: deckId });
    assert.deepEqual(
      { count: mine.data.flashcardDeck.cardCount, owner: mine.data.flashcardDeck.owner.displayName, fronts: mine.data.flashcardDeck.cards.map((c: any) => c.front) },
      {
        count: 2,
        owner: "Sam Student",
        fronts: ["Audi alteram partem", "Res judicata"],
      },
    );
    assert.equal((await other.client.op("FlashcardDeck", { id: deckId })).data.flashcardDeck, null);
    const intrude = await other.client.op("AddFlashcard", { deckId, input: { front: "x", back: "y" } });
    assert.equal(intrude.errors?.[0].extensions?.code, "NOT_FOUND");

    const instructor = await registerWithRole(stack, "INSTRUCTOR");
    const course = await publishedCourse(instructor.client, "Maxims course");
    const shared = await instructor.client.op("CreateFlashcardDeck", { input: { title: "Course deck", courseId: course.id } });
    const sharedId = shared.data.createFlashcardDeck.id;
    assert.equal((await stack.client().op("FlashcardDeck", { id: sharedId })).data.flashcardDeck.title, "Course deck");
    const notYourCourse = await student.client.op("CreateFlashcardDeck", { input: { title: "x", courseId: course.id } });
    assert.equal(notYourCourse.errors?.[0].extensions?.code, "NOT_FOUND");

    const draft = (await instructor.client.op("CreateCourse", { input: { title: "Draft with deck", description: "x", level: "BEGINNER" } })).data.createCourse;
    const draftDeck = (await instructor.client.op("CreateFlashcardDeck", { input: { title: "Not yet", courseId: draft.id } })).data.createFlashcardDeck;
    assert.equal((await other.client.op("FlashcardDeck", { id: draftDeck.id })).data.flashcardDeck, null, "a deck of a draft course stays private");
    assert.equal((await instructor.client.op("FlashcardDeck", { id: draftDeck.id })).data.flashcardDeck.title, "Not yet");
    const blank = await student.client.op("CreateFlashcardDeck", { input: { title: "   " } });
    assert.equal(blank.errors?.[0].extensions?.code, "BAD_USER_INPUT");
  });
});

describe("search", () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  it("ranks title matches above tag and body matches, across courses, lessons and materials, published only", async () => {
    const instructor = await registerWithRole(stack, "INSTRUCTOR");
    const titled = await publishedCourse(instructor.client, "Constitutional Law Essentials", { description: "Rights and remedies" });
    const tagged = await publishedCourse(instructor.client, "Polity Primer", { tags: ["constitutional"], description: "Parliament" });
    const bodyOnly = await publishedCourse(instructor.client, "Current Affairs Digest", { description: "Includes a constitutional amendment or two" });
    await instructor.client.op("CreateCourse", { input: { title: "Constitutional Draft", description: "never published", level: "BEGINNER" } });
    const material = await instructor.client.op("CreateReadingMaterial", {
      input: { title: "Constitutional Amendments List", kind: "ARTICLE", topic: "polity", body: "The 42nd and 44th" },
    });
    const results = await stack.client().op("SearchContent", { query: "constitutional", first: 10 });
    assert.equal(results.errors, undefined);
    const hits = results.data.searchContent.map((hit: any) => `${hit.__typename}:${hit.title}`);
    assert.ok(!hits.some((hit: string) => hit.includes("Draft")), "drafts are never found");
    const position = (label: string) => hits.indexOf(label);
    assert.ok(position(`Course:${titled.title}`) >= 0 && position(`ReadingMaterial:${material.data.createReadingMaterial.title}`) >= 0);
    assert.ok(position(`Course:${titled.title}`) < position(`Course:${tagged.title}`), hits.join(" | "));
    assert.ok(position(`Course:${tagged.title}`) < position(`Course:${bodyOnly.title}`), hits.join(" | "));

    const lessons = await stack.client().op("SearchContent", { query: "Polity Primer lesson", first: 5 });
    const lesson = lessons.data.searchContent.find((hit: any) => hit.__typename === "Lesson");
    assert.equal(lesson.course.title, "Polity Primer");

    const blank = await stack.client().op("SearchContent", { query: "   " });
    assert.equal(blank.errors?.[0].extensions?.code, "BAD_USER_INPUT");
    const odd = await stack.client().op("SearchContent", { query: '"unbalanced OR -( quotes' });
    assert.equal(odd.errors, undefined, "websearch syntax never fails on user input");
  });
});

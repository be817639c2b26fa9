import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { registerWithRole } from "../src/content-fixtures";
import type { GraphQLResponse, Stack } from "../src/stack";
import { register, startStack, tableSnapshot } from "../src/stack";

/**
 * The kit's one rule for text, through the gateway: bodies keep their tabs and line breaks, single
 * lines refuse them, nothing holds control or bidi formatting characters, and every text has a
 * ceiling that answers BAD_USER_INPUT, never a database error or a 413 from deep inside.
 */
describe("free text", () => {
  let stack: Stack;
  let instructor: Awaited<ReturnType<typeof registerWithRole>>;
  let courseId: string;

  before(async () => {
    stack = await startStack();
    instructor = await registerWithRole(stack, "INSTRUCTOR");
    courseId = (await instructor.client.op("CreateCourse", { input: { title: "Free text", description: "Rules\nfor text", level: "BEGINNER" } })).data.createCourse.id;
  });
  after(() => stack.close());

  const refusal = (response: GraphQLResponse) => response.errors?.map((error) => [error.extensions?.code, error.extensions?.field]);

  async function expectRefused(send: () => Promise<GraphQLResponse>, field: string): Promise<any> {
    const before = await tableSnapshot(stack, ["users", "content"]);
    const response = await send();
    assert.deepEqual(refusal(response), [["BAD_USER_INPUT", field]], JSON.stringify(response.errors));
    assert.deepEqual(await tableSnapshot(stack, ["users", "content"]), before, "nothing written");
  }

  it("keeps tabs and line breaks in a lesson body, exactly as sent", async () => {
    const body = "Read:\n\tArticle 21\r\nthen answer\u2028the questions";
    const added = await instructor.client.op("AddLesson", { courseId, input: { title: "Lines", body, durationMinutes: 5 } });
    assert.equal(added.errors, undefined, JSON.stringify(added.errors));
    const stored = await stack.db.query("select body from content.lessons where id = $1", [added.data.addLesson.id]);
    assert.equal(stored.rows[0].body, body);
  });

  it("refuses tabs and line breaks in titles, tags and filenames", async () => {
    const lesson = (title: string) => () => instructor.client.op("AddLesson", { courseId, input: { title, body: "Body", durationMinutes: 5 } });
    await expectRefused(lesson("Part\n2"), "input.title");
    await expectRefused(lesson("Part\t2"), "input.title");
    await expectRefused(lesson("Part\r2"), "input.title");
    await expectRefused(
      () => instructor.client.op("CreateCourse", { input: { title: "Tagged", description: "x", level: "BEGINNER", tags: ["law", "moot\ncourt"] } }),
      "input.tags",
    );
    await expectRefused(
      () => instructor.client.op("CreateUploadUrl", { input: { filename: "cover\n.png", contentType: "image/png", sizeBytes: 10, purpose: "COURSE_COVER" } }),
      "input.filename",
    );
  });

  it("refuses control and bidi formatting characters in bodies too", async () => {
    for (const body of ["bell\u0007", "\u001b[2J", "next\u0085line", "abc\u202Egpj.exe", "\u2066isolated\u2069", "del\u007F"]) {
      await expectRefused(() => instructor.client.op("AddLesson", { courseId, input: { title: "Controls", body, durationMinutes: 5 } }), "input.body");
    }
  });

  it("accepts names and text in any script, with emoji", async () => {
    const displayName = "Zoë Ångström 李小龍 अनु 😀";
    const account = await register(stack, { displayName });
    assert.equal(account.user.displayName, displayName);
    const stored = await stack.db.query("select display_name from users.users where id = $1", [account.user.id]);
    assert.equal(stored.rows[0].display_name, displayName);
  });

  it("answers a text past its limit with BAD_USER_INPUT naming the field, for inputs and plain arguments alike", async () => {
    const lessonBody = await instructor.client.op("AddLesson", { courseId, input: { title: "Long", body: "x".repeat(100_001), durationMinutes: 5 } });
    assert.equal(lessonBody.status, 200);
    assert.deepEqual(refusal(lessonBody), [["BAD_USER_INPUT", "input.body"]]);
    // Arguments with no limit of their own meet the single-line ceiling (1,000 characters).
    for (const [operation, variables, field] of [
      ["SearchContent", { query: "law ".repeat(300) }, "query"],
      ["CourseBySlug", { slug: "s".repeat(1_001) }, "slug"],
      ["Login", { email: "a@b.test", password: "p".repeat(1_001) }, "password"],
    ] as const) {
      const response = await stack.client().op(operation, variables);
      assert.deepEqual(refusal(response), [["BAD_USER_INPUT", field]], `${operation}: ${JSON.stringify(response.errors)}`);
    }
  });

  it("stores the longest body in the densest script for the search index, past the gateway and into Postgres", async () => {
    // Distinct hyphenated pairs of CJK words: each costs three lexemes, the most a text can make
    // of its length (about 830 KB of tsvector, under Postgres's 1 MB), and 3 bytes a character
    // of request body (300 KB, under the gateway's limit).
    let body = "";
    for (let i = 0; body.length < 100_000; i += 2) body += `${pair(i)}-${pair(i + 1)} `;
    body = body.slice(0, 100_000);
    const created = await instructor.client.op("CreateReadingMaterial", { input: { title: "Dense", kind: "ARTICLE", topic: "Index", body } });
    assert.equal(created.errors, undefined, JSON.stringify(created.errors));
    const stored = await stack.db.query("select length(body) as length from content.reading_materials where id = $1", [created.data.createReadingMaterial.id]);
    assert.equal(stored.rows[0].length, 100_000);
    const found = await stack.client().op("SearchContent", { query: pair(1_000) });
    assert.deepEqual(
      found.data.searchContent.map((result: { id: string }) => result.id),
      [created.data.createReadingMaterial.id],
    );
  });
});

/** The i-th two-character word of CJK ideographs (2,000 of them, so every pair is distinct). */
function pair(i: number): string {
  return String.fromCharCode(0x4e00 + Math.floor(i / 2_000), 0x4e00 + (i % 2_000));
}

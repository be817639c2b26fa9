import assert from "node:assert/strict";
import crypto from "node:crypto";
import { after, before, describe, it } from "node:test";
import { subscriptionTopic } from "@solo/kit";
import { decodeJwt } from "jose";
import { signAccessToken } from "../src/access-tokens";
import { publishedTest, sit } from "../src/assessment-fixtures";
import { connect, subscribe } from "../src/live";
import { publishedCourse, registerWithRole } from "../src/content-fixtures";
import type { GraphQLClient, Stack } from "../src/stack";
import { contractOperation, register, registerAdmin, startStack, tableSnapshot } from "../src/stack";

describe("roles, API keys and the audit log", () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  it("lets an admin change a role, refuses everyone else, and audits the change", async () => {
    const admin = await registerAdmin(stack);
    const student = await register(stack);
    const denied = await student.client.op("SetUserRole", { userId: admin.user.id, role: "STUDENT" });
    assert.equal(denied.errors?.[0].extensions?.code, "FORBIDDEN");
    const anonymous = await stack.client().op("SetUserRole", { userId: student.user.id, role: "ADMIN" });
    assert.equal(anonymous.errors?.[0].extensions?.code, "UNAUTHENTICATED");

    const changed = await admin.client.op("SetUserRole", { userId: student.user.id, role: "INSTRUCTOR" });
    assert.deepEqual(changed.data.setUserRole, { id: student.user.id, role: "INSTRUCTOR" });
    const missing = await admin.client.op("SetUserRole", { userId: "00000000-0000-4000-8000-000000000000", role: "ADMIN" });
    assert.equal(missing.errors?.[0].extensions?.code, "NOT_FOUND");
    const self = await admin.client.op("SetUserRole", { userId: admin.user.id, role: "STUDENT" });
    assert.equal(self.errors?.[0].extensions?.code, "FORBIDDEN");

    const log = await admin.client.op("AuditLog", { first: 5 });
    const entry = log.data.auditLog.edges[0].node;
    assert.equal(entry.action, "user.role_changed");
    assert.equal(entry.resourceType, "User");
    assert.equal(entry.resourceId, student.user.id);
    assert.deepEqual(entry.actor, { id: admin.user.id, displayName: "Admin" });
    const denyLog = await student.client.op("AuditLog", {});
    assert.equal(denyLog.errors?.[0].extensions?.code, "FORBIDDEN");
  });

  it("pages the user directory by cursor, filtered by role, stable while accounts are added", async () => {
    const admin = await registerAdmin(stack);
    const marketers: string[] = [];
    for (let i = 0; i < 5; i++) {
      const account = await register(stack, { displayName: `Marketer ${i}` });
      await admin.client.op("SetUserRole", { userId: account.user.id, role: "MARKETER" });
      marketers.push(account.user.id);
    }
    const page1 = await admin.client.op("UserDirectory", { first: 2, role: "MARKETER" });
    assert.equal(page1.data.users.totalCount, 5);
    assert.equal(page1.data.users.pageInfo.hasNextPage, true);
    // Rows added between page requests must neither repeat nor push rows off the next page.
    const late = await register(stack, { displayName: "Late marketer" });
    await admin.client.op("SetUserRole", { userId: late.user.id, role: "MARKETER" });
    const seen = page1.data.users.edges.map((edge: any) => edge.node.id);
    let cursor = page1.data.users.pageInfo.endCursor;
    for (;;) {
      const page = await admin.client.op("UserDirectory", { first: 2, after: cursor, role: "MARKETER" });
      seen.push(...page.data.users.edges.map((edge: any) => edge.node.id));
      if (!page.data.users.pageInfo.hasNextPage) break;
      cursor = page.data.users.pageInfo.endCursor;
    }
    assert.deepEqual(seen, [...marketers, late.user.id]);
    const tooMany = await admin.client.op("UserDirectory", { first: 1000 });
    assert.equal(tooMany.errors?.[0].extensions?.code, "BAD_USER_INPUT");
    const badCursor = await admin.client.op("UserDirectory", { first: 2, after: "garbage" });
    assert.equal(badCursor.errors?.[0].extensions?.code, "BAD_USER_INPUT");
  });

  it("resolves audit actors with one batched query, whatever the page size", async () => {
    const admin = await registerAdmin(stack);
    const actors = [];
    for (let i = 0; i < 50; i++) actors.push(await register(stack, { displayName: `Actor ${i}` }));
    const statements = async (first: number) => {
      stack.sql("users").reset();
      const response = await admin.client.op("AuditLog", { first });
      assert.equal(response.errors, undefined);
      assert.equal(response.data.auditLog.edges.length, first);
      assert.ok(response.data.auditLog.edges.every((edge: any) => edge.node.actor?.displayName));
      return stack.sql("users").value;
    };
    // The admin's first request puts its session in the gateway's cache: no session check below.
    await admin.client.request("{ me { id } }");
    const atFive = await statements(5);
    const atFifty = await statements(50);
    assert.equal(atFifty, atFive, `SQL statements at 5 entries: ${atFive}, at 50: ${atFifty}`);
    assert.ok(atFive <= 3, `page, count and one actor batch: got ${atFive}`);
  });

  it("creates an API key whose secret is shown once and stored only as a hash", async () => {
    const owner = await register(stack);
    const created = await owner.client.op("CreateApiKey", { input: { name: "Partner CRM", scopes: ["users:read", "leads:write"] } });
    assert.equal(created.errors, undefined);
    const { secret, apiKey } = created.data.createApiKey;
    assert.match(secret, /^solo_[0-9a-f]{32}_[\w-]{43}$/);
    assert.deepEqual(
      { name: apiKey.name, scopes: apiKey.scopes, lastUsedAt: apiKey.lastUsedAt },
      {
        name: "Partner CRM",
        scopes: ["users:read", "leads:write"],
        lastUsedAt: null,
      },
    );
    const row = await stack.db.query("select * from users.api_keys where id = $1", [apiKey.id]);
    const randomPart = secret.slice("solo_".length + 32 + 1); // base64url: it may itself contain "_"
    assert.equal(randomPart.length, 43);
    assert.ok(!JSON.stringify(row.rows[0]).includes(randomPart), "the secret is not stored");

    const listed = await owner.client.op("MyApiKeys");
    assert.deepEqual(Object.keys(listed.data.me.apiKeys[0]).sort(), ["createdAt", "id", "lastUsedAt", "name", "revokedAt", "scopes"]);
    assert.ok(!JSON.stringify(listed).includes(secret), "listing never shows the secret");

    const audit = await stack.db.query("select action from users.audit_log where resource_id = $1", [apiKey.id]);
    assert.deepEqual(
      audit.rows.map((r) => r.action),
      ["api_key.created"],
    );
  });

  it("authenticates with an API key (header or bearer), enforces scopes and the owner's role, records lastUsedAt", async () => {
    const owner = await register(stack);
    const { secret, apiKey } = (await owner.client.op("CreateApiKey", { input: { name: "reader", scopes: ["users:read"] } })).data.createApiKey;
    const viaHeader = await stack.client({ apiKey: secret }).request("{ me { id email } }");
    assert.deepEqual(viaHeader.data.me, { id: owner.user.id, email: owner.email });
    const viaBearer = await stack.client({ token: secret }).request("{ me { id } }");
    assert.equal(viaBearer.data.me.id, owner.user.id);

    const stored = await stack.db.query("select last_used_at from users.api_keys where id = $1", [apiKey.id]);
    assert.ok(stored.rows[0].last_used_at instanceof Date);

    // users:write is not among its scopes; admin-only fields need the owner to be an admin.
    const write = await stack.client({ apiKey: secret }).request(`mutation { updateProfile(input: { displayName: "x" }) { id } }`);
    assert.equal(write.errors?.[0].extensions?.code, "FORBIDDEN");
    const directory = await stack.client({ apiKey: secret }).op("UserDirectory", { first: 1 });
    assert.equal(directory.errors?.[0].extensions?.code, "FORBIDDEN");
    // Keys cannot mint keys.
    const mint = await stack.client({ apiKey: secret }).op("CreateApiKey", { input: { name: "child", scopes: ["users:read"] } });
    assert.equal(mint.errors?.[0].extensions?.code, "FORBIDDEN");
  });

  it("revokes a key at once, for its owner only", async () => {
    const owner = await register(stack);
    const stranger = await register(stack);
    const { secret, apiKey } = (await owner.client.op("CreateApiKey", { input: { name: "temp", scopes: ["users:read"] } })).data.createApiKey;
    const notYours = await stranger.client.op("RevokeApiKey", { id: apiKey.id });
    assert.equal(notYours.errors?.[0].extensions?.code, "NOT_FOUND");

    const revoked = await owner.client.op("RevokeApiKey", { id: apiKey.id });
    assert.equal(revoked.data.revokeApiKey.id, apiKey.id);
    assert.ok(revoked.data.revokeApiKey.revokedAt);
    const use = await stack.client({ apiKey: secret }).request("{ me { id } }");
    assert.equal(use.status, 401);
    assert.equal(use.errors?.[0].extensions?.code, "UNAUTHENTICATED");

    const before = await tableSnapshot(stack, "users");
    const again = await owner.client.op("RevokeApiKey", { id: apiKey.id });
    assert.equal(again.data.revokeApiKey.revokedAt, revoked.data.revokeApiKey.revokedAt);
    assert.deepEqual(await tableSnapshot(stack, "users"), before, "revoking twice changes nothing");
  });

  it("refuses unknown scopes and blank names without creating anything", async () => {
    const owner = await register(stack);
    const before = await tableSnapshot(stack, "users");
    const unknown = await owner.client.op("CreateApiKey", { input: { name: "x", scopes: ["users:read", "root:all"] } });
    assert.equal(unknown.errors?.[0].extensions?.code, "BAD_USER_INPUT");
    assert.match(unknown.errors![0].message, /root:all/);
    const none = await owner.client.op("CreateApiKey", { input: { name: "x", scopes: [] } });
    assert.equal(none.errors?.[0].extensions?.code, "BAD_USER_INPUT");
    const blank = await owner.client.op("CreateApiKey", { input: { name: "   ", scopes: ["users:read"] } });
    assert.equal(blank.errors?.[0].extensions?.code, "BAD_USER_INPUT");
    assert.deepEqual(await tableSnapshot(stack, "users"), before);
  });

  it("grants registry scopes to admins only, and keeps a key's trusted-documents and variant limits", async () => {
    const marketer = await register(stack);
    const admin = await registerAdmin(stack);
    const before = await tableSnapshot(stack, "users");
    const refused = await marketer.client.op("CreateApiKey", { input: { name: "ci", scopes: ["registry:write"] } });
    assert.equal(refused.errors?.[0].extensions?.code, "FORBIDDEN");
    const badVariant = await admin.client.request(`mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`, {
      input: { name: "p", scopes: ["content:read"], variant: "Partner Tier!" },
    });
    assert.equal(badVariant.errors?.[0].extensions?.code, "BAD_USER_INPUT");
    assert.deepEqual(await tableSnapshot(stack, "users"), before, "refused keys leave nothing behind");

    const created = await admin.client.request(
      `mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { scopes trustedDocumentsOnly variant } } }`,
      { input: { name: "partner", scopes: ["registry:read", "content:read"], trustedDocumentsOnly: true, variant: "partner" } },
    );
    assert.deepEqual(created.data.createApiKey.apiKey, { scopes: ["registry:read", "content:read"], trustedDocumentsOnly: true, variant: "partner" });
    const plain = await marketer.client.request(`mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { trustedDocumentsOnly variant } } }`, {
      input: { name: "plain", scopes: ["content:read"] },
    });
    assert.deepEqual(plain.data.createApiKey.apiKey, { trustedDocumentsOnly: false, variant: null }, "a key is unlimited unless asked");
  });

  describe("public data: any valid key reads it, a scope only adds", () => {
    let instructor: Awaited<ReturnType<typeof registerWithRole>>;
    let published: { id: string; slug: string; title: string };
    let draft: { id: string; slug: string };
    let publicTest: string;
    let draftTest: string;
    const keyWith = async (scopes: string[]): Promise<GraphQLClient> => {
      const created = await instructor.client.op("CreateApiKey", { input: { name: scopes.join(","), scopes } });
      assert.equal(created.errors, undefined, JSON.stringify(created.errors));
      return stack.client({ apiKey: created.data.createApiKey.secret });
    };

    before(async () => {
      instructor = await registerWithRole(stack, "INSTRUCTOR", "Public data author");
      published = await publishedCourse(instructor.client, "Public data course", { lessons: 2 });
      const created = await instructor.client.op("CreateCourse", { input: { title: "Private draft course", description: "Not yet", level: "BEGINNER" } });
      assert.equal(created.errors, undefined);
      draft = created.data.createCourse;
      publicTest = (await publishedTest(instructor.client, [{ correctOption: 1 }], { title: "Public data test", courseId: published.id })).id;
      const draftCreated = await instructor.client.op("CreateMockTest", { input: { title: "Draft test", durationMinutes: 30, negativeMarking: 0 } });
      assert.equal(draftCreated.errors, undefined);
      draftTest = draftCreated.data.createMockTest.id;
    });

    it("a key with an unrelated scope (users:read) reads the catalog, a published course and the published tests, whole", async () => {
      const usersOnly = await keyWith(["users:read"]);
      const catalog = await usersOnly.op("CourseCatalog", { first: 50 });
      assert.equal(catalog.errors, undefined, JSON.stringify(catalog.errors));
      const slugs = catalog.data.courses.edges.map((edge: { node: { slug: string } }) => edge.node.slug);
      assert.ok(slugs.includes(published.slug), "the published course is in the catalog");
      assert.ok(!slugs.includes(draft.slug), "the draft is not");
      const course = await usersOnly.op("CourseBySlug", { slug: published.slug });
      assert.equal(course.errors, undefined, JSON.stringify(course.errors));
      assert.equal(course.data.course.title, "Public data course");
      assert.equal(course.data.course.lessons.length, 2);
      assert.equal(course.data.course.author.displayName, "Public data author");
      const tests = await usersOnly.op("MockTests", { courseId: published.id });
      assert.equal(tests.errors, undefined, JSON.stringify(tests.errors));
      assert.deepEqual(
        tests.data.mockTests.edges.map((edge: any) => [edge.node.title, edge.node.course.title]),
        [["Public data test", "Public data course"]],
        "a test's course, reached through assessments, is public too",
      );
      const search = await usersOnly.op("SearchContent", { query: "Public data course" });
      assert.equal(search.errors, undefined, JSON.stringify(search.errors));
      assert.ok(search.data.searchContent.some((hit: { id: string }) => hit.id === published.id));
      const board = await usersOnly.op("Leaderboard", { testId: publicTest });
      assert.equal(board.errors, undefined, JSON.stringify(board.errors));
    });

    it("but its owner's drafts and private data still need the scope", async () => {
      const usersOnly = await keyWith(["users:read"]);
      const draftCourse = await usersOnly.op("CourseBySlug", { slug: draft.slug });
      assert.equal(draftCourse.errors, undefined);
      assert.equal(draftCourse.data.course, null, "the owner's draft is not public: a key without content:read reads as anonymous");
      const draftMock = await usersOnly.request(`query ($id: ID!) { mockTest(id: $id) { title } }`, { id: draftTest });
      assert.equal(draftMock.data.mockTest, null);
      const answers = await usersOnly.request(`query ($id: ID!) { mockTest(id: $id) { questions { correctOption } } }`, { id: publicTest });
      assert.deepEqual(answers.data.mockTest.questions, [{ correctOption: null }], "its author's answers are not public");
      const mine = await usersOnly.op("MyCourses");
      assert.equal(mine.errors?.[0].extensions?.code, "FORBIDDEN", "a person's own course list is private: content:read");
      const uploads = await usersOnly.request(`{ mediaAsset(id: "${crypto.randomUUID()}") { id } }`);
      assert.equal(uploads.errors?.[0].extensions?.code, "FORBIDDEN");
      assert.match(uploads.errors[0].message, /content:read/);
      const create = await usersOnly.op("CreateCourse", { input: { title: "By a reader", description: "x", level: "BEGINNER" } });
      assert.equal(create.errors?.[0].extensions?.code, "FORBIDDEN", "reading is not writing");

      // With the scope, the key reads as its owner: the drafts too.
      const contentReader = await keyWith(["content:read"]);
      assert.equal((await contentReader.op("CourseBySlug", { slug: draft.slug })).data.course?.title, "Private draft course");
      const assessmentsReader = await keyWith(["assessments:read"]);
      const ownDraft = await assessmentsReader.request(`query ($id: ID!) { mockTest(id: $id) { title } }`, { id: draftTest });
      assert.equal(ownDraft.data.mockTest?.title, "Draft test");
    });

    it("a published course's lesson reached through another subgraph is public too: an assessments:read key reads its session's lesson", async () => {
      const lessonId = (await instructor.client.op("CourseBySlug", { slug: published.slug })).data.course.lessons[0].id;
      const started = await instructor.client.op("StartStudySession", { input: { courseId: published.id, lessonId } });
      assert.equal(started.errors, undefined, JSON.stringify(started.errors));
      const assessmentsOnly = await keyWith(["assessments:read"]);
      const session = await assessmentsOnly.request(`query ($id: ID!) { studySession(sessionId: $id) { id lesson { id title } course { title } } }`, {
        id: started.data.startStudySession.id,
      });
      assert.equal(session.errors, undefined, JSON.stringify(session.errors));
      assert.deepEqual(session.data.studySession.lesson, { id: lessonId, title: started.data.startStudySession.lesson.title });
      assert.equal(session.data.studySession.course.title, "Public data course");
    });

    it("the live leaderboard of a published test is public too: a users:read key follows it", async () => {
      const test = await publishedTest(instructor.client, [{ correctOption: 1 }], { title: "Live public board", courseId: published.id });
      const usersOnly = await keyWith(["users:read"]);
      const live = connect(stack.wsUrl, { apiKey: usersOnly.credentials.apiKey });
      try {
        const student = await register(stack, { displayName: "Live board student" });
        await sit(student.client, test.id, test.questionIds, [1]);
        const board = subscribe(live, contractOperation("LeaderboardUpdated"), { testId: test.id });
        // An event on the board's topic, until the subscription (in place once the gateway took it) answers.
        for (let tries = 0; !board.results.length && tries < 40; tries++) {
          await stack.events.publish(subscriptionTopic("leaderboardUpdated", { testId: test.id }), { at: new Date().toISOString() });
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
        const [answer] = await board.next(1, 1_000);
        assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
        assert.deepEqual(
          answer.data.leaderboardUpdated.map((entry: { user: { displayName: string } }) => entry.user.displayName),
          ["Live board student"],
        );
        board.stop();
      } finally {
        await live.client.dispose();
      }
    });

    it("an invalid token or key on a public query is a coded 401 that says to drop or refresh it", async () => {
      const expiresAt = Math.floor(Date.now() / 1000) - 60;
      const expired = await signAccessToken(instructor.user.id, { role: "STUDENT", sid: crypto.randomUUID() }, { issuedAt: expiresAt - 900, expiresAt });
      const cases: [GraphQLClient, string, RegExp][] = [
        [stack.client({ token: expired }), "TOKEN_EXPIRED", /refresh the session.*send no Authorization header to read public data/],
        [stack.client({ token: "not.a.jwt" }), "TOKEN_INVALID", /sign in again or refresh the session.*send no Authorization header to read public data/],
        [stack.client({ apiKey: "solo_no_such_key" }), "API_KEY_INVALID", /check the key.*send no x-api-key header to read public data/],
        [stack.client({ token: "solo_no_such_key" }), "API_KEY_INVALID", /check the key.*send no Authorization header to read public data/],
      ];
      for (const [client, reason, message] of cases) {
        const refused = await client.op("CourseCatalog", { first: 1 });
        assert.equal(refused.status, 401, reason);
        assert.equal(refused.data, undefined, `${reason}: no data for a broken login, even public`);
        assert.equal(refused.errors?.[0].extensions?.code, "UNAUTHENTICATED", reason);
        assert.equal(refused.errors?.[0].extensions?.reason, reason);
        assert.match(refused.errors[0].message, message);
      }
      // Doing what the message says works.
      const anonymous = await stack.client().op("CourseCatalog", { first: 1 });
      assert.equal(anonymous.status, 200);
      assert.equal(anonymous.errors, undefined);
    });

    it("an access token the gateway has checked before is refused from the second it expires, and after a logout", async () => {
      const signedIn = await register(stack);
      const { sid, role } = decodeJwt(signedIn.accessToken);
      const expiresAt = Math.floor(Date.now() / 1000) + 2;
      const shortLived = await signAccessToken(signedIn.user.id, { role, sid }, { issuedAt: expiresAt - 900, expiresAt });
      const client = stack.client({ token: shortLived });
      for (let request = 0; request < 2; request++) {
        const me = await client.request("{ me { id } }");
        assert.equal(me.errors, undefined, JSON.stringify(me.errors));
        assert.equal(me.data.me.id, signedIn.user.id);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt * 1000 - Date.now())));
      const expired = await client.request("{ me { id } }");
      assert.equal(expired.status, 401);
      assert.equal(expired.errors?.[0].extensions?.reason, "TOKEN_EXPIRED");

      // The session check still runs for a token whose signature is remembered.
      const other = await register(stack);
      assert.equal((await other.client.request("{ me { id } }")).errors, undefined);
      const logout = await other.client.op("Logout", {});
      assert.equal(logout.errors, undefined, JSON.stringify(logout.errors));
      const after = await other.client.request("{ me { id } }");
      assert.equal(after.status, 401);
      assert.equal(after.errors?.[0].extensions?.reason, "SESSION_ENDED");
    });
  });
});

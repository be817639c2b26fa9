import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { GraphQLResponse, Stack } from "../src/stack";
import { register, registerAdmin, startStack } from "../src/stack";
import { registerWithRole } from "../src/content-fixtures";
import { publishedTest, sit } from "../src/assessment-fixtures";

describe("batching: leaderboards and attempt lists", () => {
  let stack: Stack;
  let test: { id: string; questionIds: string[] };
  let students: Awaited<ReturnType<typeof register>>[];

  before(async () => {
    stack = await startStack();
    const instructor = await registerWithRole(stack, "INSTRUCTOR");
    test = await publishedTest(instructor.client, [{ correctOption: 0 }, { correctOption: 1 }, { correctOption: 2 }]);
    students = await Promise.all(Array.from({ length: 100 }, (_, i) => register(stack, { displayName: `Learner ${i}` })));
    for (const [i, student] of students.entries()) await sit(student.client, test.id, test.questionIds, [i % 4, (i >> 1) % 4, (i >> 2) % 4]);
  });
  after(() => stack.close());

  it("Leaderboard with display names: 5 and 100 people cost the same", async () => {
    const board = (first: number) =>
      stack.measure(async () => {
        const response = await stack.client().op("Leaderboard", { testId: test.id, first });
        assert.equal(response.errors, undefined);
        assert.equal(response.data.leaderboard.length, first);
        assert.ok(response.data.leaderboard.every((row: any) => row.user.displayName.startsWith("Learner")));
      });
    const atFive = await board(5);
    const atHundred = await board(100);
    console.log(`Leaderboard cost at 5: ${JSON.stringify(atFive)}; at 100: ${JSON.stringify(atHundred)}`);
    assert.deepEqual(atHundred, atFive);
    assert.deepEqual(atFive.fetches, { assessments: 1, users: 1 });
  });

  it("attempts with percentiles, breakdowns and titles over two tests: 2 and 30 attempts cost the same", async () => {
    const instructor = await registerWithRole(stack, "INSTRUCTOR");
    const other = await publishedTest(
      instructor.client,
      [
        { correctOption: 1, topic: "maths" },
        { correctOption: 2, topic: "gk" },
      ],
      { title: "Second" },
    );
    const student = students[1];
    const query = `{ me { attempts(first: 50) { edges { node { percentile score test { title } breakdown { topic score } } } } } }`;
    const list = (expected: number) =>
      stack.measure(async () => {
        const response = await student.client.request(query);
        assert.equal(response.errors, undefined);
        assert.equal(response.data.me.attempts.edges.length, expected);
        assert.ok(response.data.me.attempts.edges.every((edge: any) => edge.node.breakdown.length && typeof edge.node.percentile === "number"));
        assert.deepEqual(
          [...new Set(response.data.me.attempts.edges.map((edge: any) => edge.node.test.title))].sort(),
          expected > 1 ? ["Mock CLAT", "Second"] : ["Mock CLAT"],
        );
      });
    await sit(student.client, other.id, other.questionIds, [1, 0]);
    const atTwo = await list(2);
    for (let i = 0; i < 14; i++) {
      await sit(student.client, test.id, test.questionIds, [0, 1, 2]);
      await sit(student.client, other.id, other.questionIds, [1, 2]);
    }
    const atThirty = await list(30);
    console.log(`attempt list cost at 2: ${JSON.stringify(atTwo)}; at 30: ${JSON.stringify(atThirty)}`);
    assert.deepEqual(atThirty, atTwo);
  });

  it("MyAttempts with percentiles and test titles: 1 and 30 attempts cost the same", async () => {
    const student = students[0];
    const list = (expected: number) =>
      stack.measure(async () => {
        const response = await student.client.op("MyAttempts", { first: 50 });
        assert.equal(response.errors, undefined);
        assert.equal(response.data.me.attempts.edges.length, expected);
        assert.ok(response.data.me.attempts.edges.every((edge: any) => typeof edge.node.percentile === "number" && edge.node.test.title));
      });
    const atOne = await list(1);
    for (let i = 0; i < 29; i++) await sit(student.client, test.id, test.questionIds, [0, 1, 2]);
    const atThirty = await list(30);
    console.log(`MyAttempts cost at 1: ${JSON.stringify(atOne)}; at 30: ${JSON.stringify(atThirty)}`);
    assert.deepEqual(atThirty, atOne);
  });

  it("an admin's user directory with study stats: 5 and 50 accounts cost the same", async () => {
    const admin = await registerAdmin(stack);
    const query = `query ($first: Int) {
      users(first: $first) { edges { node { id studyStats { attemptsCount averageScore sessionsCount totalFocusSeconds currentStreakDays } } } }
    }`;
    const sat = new Set(students.map((student) => student.user.id));
    const directory = (first: number) =>
      stack.measure(async () => {
        const response = await admin.client.request(query, { first });
        assert.equal(response.errors, undefined);
        const nodes = response.data.users.edges.map((edge: any) => edge.node);
        assert.equal(nodes.length, first);
        // Each of the learners sat the test (students[0] and [1] again, in the tests above); the others never did.
        for (const node of nodes) assert.equal(node.studyStats.attemptsCount > 0, sat.has(node.id), JSON.stringify(node));
        assert.ok(nodes.some((node: any) => sat.has(node.id)));
      });
    // The admin's first request puts its session in the gateway's cache: both measurements find it there.
    await admin.client.request("{ me { id } }");
    const atFive = await directory(5);
    const atFifty = await directory(50);
    console.log(`user directory with study stats cost at 5: ${JSON.stringify(atFive)}; at 50: ${JSON.stringify(atFifty)}`);
    assert.deepEqual(atFifty, atFive);
  });

  it("an admin's user directory with each account's attempts: 5 and 50 accounts cost the same, each page the account's own", async () => {
    const admin = await registerAdmin(stack);
    await admin.client.request("{ me { id } }");
    const query = `query ($first: Int, $pageSize: Int) {
      users(first: $first) { edges { node { id attempts(first: $pageSize) { totalCount edges { node { id } } pageInfo { hasNextPage } } } } }
    }`;
    const directory = (first: number) =>
      stack.measure(async () => {
        const response = await admin.client.request(query, { first, pageSize: 2 });
        assert.equal(response.errors, undefined, JSON.stringify(response.errors));
        const nodes = response.data.users.edges.map((edge: any) => edge.node);
        assert.equal(nodes.length, first);
        const stored = await stack.db.query<{ user_id: string; id: string }>(
          "select user_id, id from assessments.attempts where user_id = any($1) order by created_at desc, id desc",
          [nodes.map((node: any) => node.id)],
        );
        for (const node of nodes) {
          const own = stored.rows.filter((row) => row.user_id === node.id).map((row) => row.id);
          const page = node.attempts;
          assert.deepEqual(
            { ids: page.edges.map((edge: any) => edge.node.id), totalCount: page.totalCount, hasNextPage: page.pageInfo.hasNextPage },
            { ids: own.slice(0, 2), totalCount: own.length, hasNextPage: own.length > 2 },
          );
        }
      });
    const atFive = await directory(5);
    const atFifty = await directory(50);
    console.log(`user directory with attempts cost at 5: ${JSON.stringify(atFive)}; at 50: ${JSON.stringify(atFifty)}`);
    assert.deepEqual(atFifty, atFive);
  });

  it("pages through an account's attempts with cursors, newest first, each once", async () => {
    const [student] = students;
    const stored = await stack.db.query<{ id: string }>("select id from assessments.attempts where user_id = $1 order by created_at desc, id desc", [student.user.id]);
    assert.ok(stored.rows.length >= 3, "students[0] has sat several times in the tests above");
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages <= stored.rows.length; pages++) {
      const response: GraphQLResponse = await student.client.op("MyAttempts", { first: 2, after });
      assert.equal(response.errors, undefined, JSON.stringify(response.errors));
      const connection: any = response.data.me.attempts;
      assert.equal(connection.totalCount, stored.rows.length);
      seen.push(...connection.edges.map((edge: any) => edge.node.id));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    assert.deepEqual(
      seen,
      stored.rows.map((row) => row.id),
    );
    const refused = await student.client.op("MyAttempts", { first: 2, after: "not-a-cursor" });
    assert.equal(refused.errors?.[0].extensions?.code, "BAD_USER_INPUT");
  });
});

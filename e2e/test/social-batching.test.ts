import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { publishedCourse, registerWithRole } from "../src/content-fixtures";
import { HOUR, connectAccount, fromNow, marketerWithAccount, postMetrics, socialMedia } from "../src/social-fixtures";
import type { GraphQLResponse, Stack } from "../src/stack";
import { startStack } from "../src/stack";

/** Scheduled posts with everything they point at: their account (social), media and course (content). */
const SCHEDULED_POSTS_WITH_REFERENCES = `
  query ($accountId: ID!, $first: Int) {
    scheduledPosts(accountId: $accountId, first: $first) {
      id
      account { id handle }
      media { id url }
      promotes { id title }
    }
  }
`;

/** The top posts, and the account each belongs to (SocialPost.account). */
const TOP_POSTS_WITH_ACCOUNTS = `
  query ($accountId: ID!) {
    accountAnalytics(accountId: $accountId, days: 7) {
      totalReach
      topPosts { id engagementRate account { id handle } }
    }
  }
`;

/** The subgraphs a request fetched from, and how often. */
const fetched = (fetches: Record<string, number>) => Object.fromEntries(Object.entries(fetches).filter(([, count]) => count > 0));

/**
 * A social request costs a number of SQL statements in social, and of subgraph fetches at the
 * gateway, fixed by its shape: per-request loaders for accounts and posts, and the planner's
 * batched entity fetches to content for media and courses.
 */
describe("social batching: cost does not grow with list length", () => {
  let stack: Stack;
  let marketer: Awaited<ReturnType<typeof marketerWithAccount>>;

  before(async () => {
    stack = await startStack();
    marketer = await marketerWithAccount(stack, "Busy Marketer");
  });
  after(() => stack?.close());

  it("ScheduledPosts with account, media and course: 5 and 25 posts cost the same", async () => {
    const instructor = await registerWithRole(stack, "INSTRUCTOR", "Prolific Author");
    const courses = [];
    for (let i = 0; i < 5; i++) courses.push(await publishedCourse(instructor.client, `Promoted course ${i}`));
    const media = [marketer.media];
    for (let i = 1; i < 5; i++) media.push(await socialMedia(marketer.client));
    for (let i = 0; i < 25; i++) {
      const scheduled: GraphQLResponse = await marketer.client.op("SchedulePost", {
        input: {
          accountId: marketer.account.id,
          caption: `Post ${i}`,
          mediaAssetId: media[i % 5].id,
          promotesCourseId: courses[(i * 3) % 5].id,
          scheduledFor: fromNow(HOUR + i * 60_000),
        },
      });
      assert.equal(scheduled.errors, undefined, JSON.stringify(scheduled.errors));
    }
    const list = (first: number) =>
      stack.measure(async () => {
        const response = await marketer.client.request(SCHEDULED_POSTS_WITH_REFERENCES, { accountId: marketer.account.id, first });
        assert.equal(response.errors, undefined, JSON.stringify(response.errors));
        const posts = response.data.scheduledPosts;
        assert.equal(posts.length, first);
        assert.ok(posts.every((post: any) => post.account.handle === marketer.account.handle));
        assert.ok(posts.every((post: any) => post.media.url && post.promotes.title.startsWith("Promoted course")));
      });
    const atFive = await list(5);
    const atTwentyFive = await list(25);
    console.log(`ScheduledPosts cost at 5: ${JSON.stringify(atFive)}; at 25: ${JSON.stringify(atTwentyFive)}`);
    assert.deepEqual(atTwentyFive, atFive);
    // Media and courses sit at two paths of the answer: the planner fetches each path's batch.
    assert.deepEqual(fetched(atFive.fetches), { social: 1, content: 2 }, "the posts, then one batch of their media and one of their courses");
    assert.ok(atFive.sql.social <= 2, `the posts and one batch of their accounts: ${atFive.sql.social} statements`);
  });

  it("AccountAnalytics top posts with their account: 1 and 5 top posts cost the same", async () => {
    const record = async (accountId: string, count: number) => {
      const posts = Array.from({ length: count }, (_, i) => postMetrics(`top-${i}`, { likes: 10 + i, reach: 100 + i }));
      const recorded = await marketer.client.op("RecordPostMetrics", { accountId, posts });
      assert.equal(recorded.errors, undefined, JSON.stringify(recorded.errors));
    };
    const [one, five] = [await connectAccount(marketer.client), await connectAccount(marketer.client)];
    await record(one.id, 1);
    await record(five.id, 5);
    const analyse = (accountId: string, count: number) =>
      stack.measure(async () => {
        const response = await marketer.client.request(TOP_POSTS_WITH_ACCOUNTS, { accountId });
        assert.equal(response.errors, undefined, JSON.stringify(response.errors));
        assert.equal(response.data.accountAnalytics.topPosts.length, count);
        assert.ok(response.data.accountAnalytics.topPosts.every((post: any) => post.account.id === accountId));
      });
    const atOne = await analyse(one.id, 1);
    const atFive = await analyse(five.id, 5);
    console.log(`AccountAnalytics cost at 1 top post: ${JSON.stringify(atOne)}; at 5: ${JSON.stringify(atFive)}`);
    assert.deepEqual(atFive, atOne);
    assert.deepEqual(fetched(atOne.fetches), { social: 1 });
  });
});

import assert from "node:assert/strict";
import crypto from "node:crypto";
import { after, before, describe, it } from "node:test";
import { registerWithRole } from "../src/content-fixtures";
import { connect, subscribe } from "../src/live";
import { HOUR, connectAccount, courseToPromote, fromNow, marketerWithAccount, postMetrics, uniqueHandle } from "../src/social-fixtures";
import type { Stack } from "../src/stack";
import { contractOperation, register, registerAdmin, startStack } from "../src/stack";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const DAY = 24 * HOUR;

/** `hour`:00 UTC, `daysAgo` days before today (UTC). */
function utcAt(daysAgo: number, hour: number): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - daysAgo, hour)).toISOString();
}

/**
 * The social subgraph through the gateway: every operation of clients/operations/social.graphql,
 * sent as written, against real content (media, courses), users (audit log) and the stack's local
 * Instagram (tokens are checked with it on connect).
 */
describe("social accounts, metrics, scheduling and engagement", () => {
  let stack: Stack;
  let marketer: Awaited<ReturnType<typeof marketerWithAccount>>;
  let course: { id: string; title: string };
  let admin: Awaited<ReturnType<typeof registerAdmin>>;

  before(async () => {
    stack = await startStack();
    marketer = await marketerWithAccount(stack, "Mara Marketer");
    course = await courseToPromote(stack);
    admin = await registerAdmin(stack);
  });
  after(() => stack?.close());

  it("connects an account whose token is in no answer and stored only sealed; its owner resolves", async () => {
    const someone = await registerWithRole(stack, "MARKETER");
    const handle = uniqueHandle("sealed");
    const token = `IGQ${crypto.randomBytes(24).toString("hex")}`;
    stack.instagram.addAccount({ token, userId: "17841400000000001", username: handle });

    const connected = await someone.client.op("ConnectSocialAccount", { input: { platform: "INSTAGRAM", handle: `@${handle}`, accessToken: token } });
    assert.equal(connected.errors, undefined, JSON.stringify(connected.errors));
    const account = connected.data.connectSocialAccount;
    assert.deepEqual(
      { ...account, id: undefined },
      { id: undefined, platform: "INSTAGRAM", handle, status: "ACTIVE", tokenExpiresAt: null, owner: { id: someone.user.id } },
    );
    const listed = await someone.client.op("SocialAccounts");
    assert.equal(listed.errors, undefined, JSON.stringify(listed.errors));
    assert.deepEqual(listed.data.socialAccounts, [
      { id: account.id, platform: "INSTAGRAM", handle, followersCount: 0, postsCount: 0, status: "ACTIVE", lastSyncedAt: null },
    ]);
    for (const answer of [connected, listed]) assert.ok(!JSON.stringify(answer).includes(token), "no answer holds the token");

    const row = (await stack.db.query("select * from social.accounts where id = $1", [account.id])).rows[0];
    assert.ok(row, "the account is stored");
    const stored = JSON.stringify(row);
    for (const form of [token, Buffer.from(token).toString("base64"), Buffer.from(token).toString("hex")]) {
      assert.ok(!stored.includes(form), "no plaintext token in the row");
    }
    assert.ok(
      Object.values(row).some((value) => typeof value === "string" && value.length > token.length),
      "the sealed token is kept",
    );

    // Others see none of it: their own list is empty, and a student may not connect at all.
    assert.deepEqual(
      (await marketer.client.op("SocialAccounts")).data.socialAccounts.map((entry: { id: string }) => entry.id),
      [marketer.account.id],
    );
    const student = await register(stack);
    const refused = await student.client.op("ConnectSocialAccount", { input: { platform: "INSTAGRAM", handle: uniqueHandle(), accessToken: token } });
    assert.equal(refused.errors?.[0].extensions?.code, "FORBIDDEN");
  });

  it("answers SERVICE_UNAVAILABLE when Instagram cannot check the token, and stores nothing", async () => {
    const before = (await stack.db.query("select count(*)::int as n from social.accounts")).rows[0].n;
    stack.instagram.failNext("me", 1);
    const handle = uniqueHandle();
    const refused = await marketer.client.op("ConnectSocialAccount", { input: { platform: "INSTAGRAM", handle, accessToken: `dev-${handle}` } });
    assert.equal(refused.errors?.[0].extensions?.code, "SERVICE_UNAVAILABLE", JSON.stringify(refused.errors));
    assert.equal((await stack.db.query("select count(*)::int as n from social.accounts")).rows[0].n, before);
  });

  it("records post metrics: upserts by externalId, engagementRate = interactions ÷ reach × 100 (0 without reach)", async () => {
    // A fresh account of the suite's marketer, so its counts are this test's alone.
    const client = marketer.client;
    const fresh = await connectAccount(client);
    const recorded = await client.op("RecordPostMetrics", {
      accountId: fresh.id,
      posts: [
        postMetrics("ext-a", { likes: 10, comments: 2, saves: 1, shares: 1, reach: 200 }),
        postMetrics("ext-b", { likes: 5, comments: 0, saves: 0, shares: 0, reach: 0, impressions: 0 }),
        postMetrics("ext-c", { likes: 1, comments: 0, saves: 0, shares: 0, reach: 3 }),
      ],
    });
    assert.equal(recorded.errors, undefined, JSON.stringify(recorded.errors));
    const [a, b, c] = recorded.data.recordPostMetrics;
    assert.deepEqual(
      { ...a, id: undefined },
      { id: undefined, externalId: "ext-a", likes: 10, comments: 2, saves: 1, shares: 1, reach: 200, impressions: 300, engagementRate: 7 },
    );
    assert.equal(b.engagementRate, 0, "no reach, no rate");
    assert.equal(c.engagementRate, 33.33);

    const again = await client.op("RecordPostMetrics", {
      accountId: fresh.id,
      posts: [postMetrics("ext-a", { likes: 30, comments: 2, saves: 1, shares: 1, reach: 200 })],
    });
    assert.equal(again.errors, undefined, JSON.stringify(again.errors));
    assert.deepEqual(
      { id: again.data.recordPostMetrics[0].id, likes: again.data.recordPostMetrics[0].likes, engagementRate: again.data.recordPostMetrics[0].engagementRate },
      { id: a.id, likes: 30, engagementRate: 17 },
      "re-sending a post updates it",
    );
    const stored = await stack.db.query("select external_id, likes from social.posts where account_id = $1 order by external_id", [fresh.id]);
    assert.deepEqual(stored.rows, [
      { external_id: "ext-a", likes: 30 },
      { external_id: "ext-b", likes: 5 },
      { external_id: "ext-c", likes: 1 },
    ]);
    const listed = (await client.op("SocialAccounts")).data.socialAccounts.find((entry: { id: string }) => entry.id === fresh.id);
    assert.equal(listed.postsCount, 3);
    assert.ok(listed.lastSyncedAt, "lastSyncedAt is set when metrics arrive");
  });

  it("schedules a post with its media and course resolved from content, lists it by status and cancels it", async () => {
    const scheduledFor = new Date(Math.floor((Date.now() + 2 * HOUR) / 1000) * 1000).toISOString();
    const scheduled = await marketer.client.op("SchedulePost", {
      input: {
        accountId: marketer.account.id,
        caption: "Enrolment is open #clat",
        hashtags: ["law", "#exams"],
        mediaAssetId: marketer.media.id,
        scheduledFor,
        promotesCourseId: course.id,
      },
    });
    assert.equal(scheduled.errors, undefined, JSON.stringify(scheduled.errors));
    const post = scheduled.data.schedulePost;
    assert.equal(typeof post.media.url, "string", "content resolves the media's url");
    assert.ok(post.media.url.length > 0);
    assert.deepEqual(
      { ...post, id: undefined, media: { ...post.media, url: undefined } },
      {
        id: undefined,
        status: "SCHEDULED",
        scheduledFor,
        caption: "Enrolment is open #clat",
        hashtags: ["law", "exams"],
        media: { id: marketer.media.id, url: undefined },
        promotes: { id: course.id, title: course.title },
      },
    );

    const later = await marketer.client.op("SchedulePost", {
      input: { accountId: marketer.account.id, caption: "Later", mediaAssetId: marketer.media.id, scheduledFor: fromNow(3 * HOUR) },
    });
    assert.equal(later.errors, undefined, JSON.stringify(later.errors));
    assert.equal(later.data.schedulePost.promotes, null);

    const all = await marketer.client.op("ScheduledPosts", { accountId: marketer.account.id });
    assert.equal(all.errors, undefined, JSON.stringify(all.errors));
    assert.deepEqual(all.data.scheduledPosts.map((entry: { id: string }) => entry.id).slice(-2), [post.id, later.data.schedulePost.id], "soonest first");
    assert.deepEqual(
      all.data.scheduledPosts.find((entry: { id: string }) => entry.id === post.id),
      {
        id: post.id,
        status: "SCHEDULED",
        scheduledFor,
        publishedAt: null,
        attempts: 0,
        lastError: null,
      },
    );

    const cancelled = await marketer.client.op("CancelScheduledPost", { id: post.id });
    assert.equal(cancelled.errors, undefined, JSON.stringify(cancelled.errors));
    assert.deepEqual(cancelled.data.cancelScheduledPost, { id: post.id, status: "CANCELLED" });
    const ids = async (status: string) =>
      (await marketer.client.op("ScheduledPosts", { accountId: marketer.account.id, status })).data.scheduledPosts.map((entry: { id: string }) => entry.id);
    assert.ok((await ids("CANCELLED")).includes(post.id));
    assert.ok(!(await ids("SCHEDULED")).includes(post.id));
    assert.ok((await ids("SCHEDULED")).includes(later.data.schedulePost.id));
    assert.deepEqual(await ids("PUBLISHED"), []);

    // Someone else can neither cancel it nor tell it exists.
    const stranger = await registerWithRole(stack, "MARKETER");
    const theirs = await stranger.client.op("CancelScheduledPost", { id: later.data.schedulePost.id });
    assert.equal(theirs.errors?.[0].extensions?.code, "NOT_FOUND");
    const peek = await stranger.client.op("ScheduledPosts", { accountId: marketer.account.id });
    assert.equal(peek.errors?.[0].extensions?.code, "NOT_FOUND");
  });

  it("analyses an account: daily series, totals, top posts and best hour over the window", async () => {
    const fresh = await connectAccount(marketer.client);
    const recorded = await marketer.client.op("RecordPostMetrics", {
      accountId: fresh.id,
      posts: [
        postMetrics("morning", { publishedAt: utcAt(2, 9), likes: 10, comments: 2, saves: 1, shares: 1, reach: 200, caption: "Morning" }),
        postMetrics("evening", { publishedAt: utcAt(1, 18), likes: 40, comments: 5, saves: 3, shares: 2, reach: 100, caption: "Evening" }),
        postMetrics("old", { publishedAt: utcAt(40, 12), likes: 100, comments: 0, saves: 0, shares: 0, reach: 100, caption: "Old" }),
      ],
    });
    assert.equal(recorded.errors, undefined, JSON.stringify(recorded.errors));
    const [morning, evening] = recorded.data.recordPostMetrics;

    const week = await marketer.client.op("AccountAnalytics", { accountId: fresh.id, days: 7 });
    assert.equal(week.errors, undefined, JSON.stringify(week.errors));
    const analytics = week.data.accountAnalytics;
    assert.equal(analytics.followers, 0);
    assert.equal(analytics.totalReach, 300);
    assert.equal(analytics.engagementRate, 21.33, "(14 + 50) ÷ 300 × 100");
    assert.equal(analytics.bestPostingHour, 18);
    assert.equal(analytics.daily.length, 7);
    assert.equal(analytics.daily[6].date, utcAt(0, 0).slice(0, 10), "the series ends today");
    assert.deepEqual(analytics.daily[4], { date: utcAt(2, 0).slice(0, 10), posts: 1, reach: 200, engagementRate: 7 });
    assert.deepEqual(analytics.daily[5], { date: utcAt(1, 0).slice(0, 10), posts: 1, reach: 100, engagementRate: 50 });
    assert.deepEqual(analytics.daily[0], { date: utcAt(6, 0).slice(0, 10), posts: 0, reach: 0, engagementRate: 0 });
    assert.deepEqual(analytics.topPosts, [
      { id: evening.id, caption: "Evening", engagementRate: 50, permalink: "https://www.instagram.com/p/evening/" },
      { id: morning.id, caption: "Morning", engagementRate: 7, permalink: "https://www.instagram.com/p/morning/" },
    ]);

    const month = (await marketer.client.op("AccountAnalytics", { accountId: fresh.id })).data.accountAnalytics;
    assert.equal(month.daily.length, 30, "30 days by default");
    assert.equal(month.totalReach, 300, "the 40-day-old post is outside the default window");
    const quarter = (await marketer.client.op("AccountAnalytics", { accountId: fresh.id, days: 90 })).data.accountAnalytics;
    assert.equal(quarter.totalReach, 400);
    assert.equal(quarter.topPosts[0].caption, "Old");
    for (const days of [0, 366]) {
      const refused = await marketer.client.op("AccountAnalytics", { accountId: fresh.id, days });
      assert.equal(refused.errors?.[0].extensions?.code, "BAD_USER_INPUT", `days: ${days}`);
    }
    const stranger = await registerWithRole(stack, "MARKETER");
    const peek = await stranger.client.op("AccountAnalytics", { accountId: fresh.id });
    assert.equal(peek.errors?.[0].extensions?.code, "NOT_FOUND");
    assert.equal(peek.data, null);
  });

  it("disconnects: the token is erased, scheduled posts are cancelled, published history stays", async () => {
    const fresh = await connectAccount(marketer.client);
    const schedule = async (hours: number) =>
      (
        await marketer.client.op("SchedulePost", {
          input: { accountId: fresh.id, caption: `In ${hours} hours`, mediaAssetId: marketer.media.id, scheduledFor: fromNow(hours * HOUR) },
        })
      ).data.schedulePost.id as string;
    const posts = [await schedule(1), await schedule(2), await schedule(3)];
    await stack.db.query("update social.scheduled_posts set status = 'PUBLISHED', published_at = now() where id = $1", [posts[2]]);

    const disconnected = await marketer.client.op("DisconnectSocialAccount", { id: fresh.id });
    assert.equal(disconnected.errors, undefined, JSON.stringify(disconnected.errors));
    assert.deepEqual(disconnected.data.disconnectSocialAccount, { id: fresh.id, status: "DISCONNECTED" });
    const listed = (await marketer.client.op("ScheduledPosts", { accountId: fresh.id })).data.scheduledPosts;
    assert.deepEqual(
      listed.map((entry: { id: string; status: string }) => [entry.id, entry.status]),
      [
        [posts[0], "CANCELLED"],
        [posts[1], "CANCELLED"],
        [posts[2], "PUBLISHED"],
      ],
    );
    const row = (await stack.db.query("select token_sealed, status from social.accounts where id = $1", [fresh.id])).rows[0];
    assert.deepEqual(row, { token_sealed: "", status: "DISCONNECTED" });
    assert.equal((await marketer.client.op("SocialAccounts")).data.socialAccounts.find((entry: { id: string }) => entry.id === fresh.id).status, "DISCONNECTED");
    const onDisconnected = await marketer.client.op("SchedulePost", {
      input: { accountId: fresh.id, caption: "Too late", mediaAssetId: marketer.media.id, scheduledFor: fromNow(HOUR) },
    });
    assert.equal(onDisconnected.errors?.[0].extensions?.code, "BAD_USER_INPUT");
    const stranger = await registerWithRole(stack, "MARKETER");
    const theirs = await stranger.client.op("DisconnectSocialAccount", { id: marketer.account.id });
    assert.equal(theirs.errors?.[0].extensions?.code, "NOT_FOUND");
  });

  it("audits connect, schedule, cancel and disconnect in the users subgraph's log", async () => {
    const someone = await marketerWithAccount(stack, "Audited Marketer");
    const post = (
      await someone.client.op("SchedulePost", {
        input: { accountId: someone.account.id, caption: "Audited", mediaAssetId: someone.media.id, scheduledFor: fromNow(HOUR) },
      })
    ).data.schedulePost;
    assert.equal((await someone.client.op("CancelScheduledPost", { id: post.id })).errors, undefined);
    assert.equal((await someone.client.op("DisconnectSocialAccount", { id: someone.account.id })).errors, undefined);

    // The audit rows travel through social's outbox to users, where the log is.
    await stack.subgraph("social").runJobNow("deliver-audit-events");
    const log = await admin.client.op("AuditLog", { first: 50 });
    assert.equal(log.errors, undefined, JSON.stringify(log.errors));
    const entries = log.data.auditLog.edges
      .map((edge: any) => edge.node)
      .filter((node: any) => node.actor?.id === someone.user.id && node.resourceType !== "User" && node.resourceType !== "MediaAsset")
      .map((node: any) => [node.action, node.resourceType, node.resourceId])
      .sort();
    assert.deepEqual(entries, [
      ["social_account.connected", "SocialAccount", someone.account.id],
      ["social_account.disconnected", "SocialAccount", someone.account.id],
      ["social_post.cancelled", "ScheduledPost", post.id],
      ["social_post.scheduled", "ScheduledPost", post.id],
    ]);
    const outbox = await stack.db.query("select count(*)::int as n from social.audit_outbox");
    assert.equal(outbox.rows[0].n, 0, "delivered events leave the outbox");
  });

  it("delivers engagementUpdated to the account's owner within a second of new metrics, and nothing to anyone else", async () => {
    const fresh = await connectAccount(marketer.client);
    const live = connect(stack.wsUrl, { authorization: `Bearer ${marketer.accessToken}` });
    const stream = subscribe(live, contractOperation("EngagementUpdated"), { accountId: fresh.id });
    const stranger = await registerWithRole(stack, "MARKETER");
    const theirLive = connect(stack.wsUrl, { authorization: `Bearer ${stranger.accessToken}` });
    const theirs = subscribe(theirLive, contractOperation("EngagementUpdated"), { accountId: fresh.id });
    await theirs.ended;
    assert.equal(theirs.results.length, 1);
    assert.equal(theirs.results[0].errors?.[0].extensions?.code, "NOT_FOUND", JSON.stringify(theirs.results));
    await pause(200);

    const sent = Date.now();
    const recorded = await marketer.client.op("RecordPostMetrics", {
      accountId: fresh.id,
      posts: [postMetrics("live-1", { likes: 20, comments: 4, saves: 3, shares: 3, reach: 400 })],
    });
    assert.equal(recorded.errors, undefined, JSON.stringify(recorded.errors));
    const [event] = await stream.next(1, 1_000);
    assert.ok(Date.now() - sent < 1_000, `delivered after ${Date.now() - sent} ms`);
    const analytics = (await marketer.client.op("AccountAnalytics", { accountId: fresh.id })).data.accountAnalytics;
    assert.equal(event.errors, undefined, JSON.stringify(event.errors));
    assert.deepEqual(
      { ...event.data.engagementUpdated, at: undefined },
      { accountId: fresh.id, engagementRate: analytics.engagementRate, totalReach: analytics.totalReach, at: undefined },
    );
    assert.equal(analytics.engagementRate, 7.5);
    assert.ok(Date.parse(event.data.engagementUpdated.at) > sent - DAY);

    await marketer.client.op("RecordPostMetrics", { accountId: fresh.id, posts: [postMetrics("live-2", { likes: 0, comments: 0, saves: 0, shares: 0, reach: 600 })] });
    const second = (await stream.next(2, 1_000))[1].data.engagementUpdated;
    assert.deepEqual([second.engagementRate, second.totalReach], [3, 1000]);
    await pause(300);
    assert.equal(theirs.results.length, 1, "the refused subscriber never gets an event");
    stream.stop();
    await live.client.dispose();
    await theirLive.client.dispose();
  });

  it("lets a social:write key record metrics and schedule posts on its owner's accounts, and nothing more", async () => {
    const owner = await marketerWithAccount(stack, "Key Owner");
    const created = await owner.client.op("CreateApiKey", { input: { name: "partner sync", scopes: ["social:write"] } });
    assert.equal(created.errors, undefined, JSON.stringify(created.errors));
    const key = stack.client({ apiKey: created.data.createApiKey.secret });

    const recorded = await key.op("RecordPostMetrics", { accountId: owner.account.id, posts: [postMetrics("from-key")] });
    assert.equal(recorded.errors, undefined, JSON.stringify(recorded.errors));
    assert.equal(recorded.data.recordPostMetrics[0].engagementRate, 7);
    const scheduled = await key.request(`mutation ($input: SchedulePostInput!) { schedulePost(input: $input) { id status } }`, {
      input: { accountId: owner.account.id, caption: "Via the partner", mediaAssetId: owner.media.id, scheduledFor: fromNow(HOUR) },
    });
    assert.equal(scheduled.errors, undefined, JSON.stringify(scheduled.errors));
    assert.equal(scheduled.data.schedulePost.status, "SCHEDULED");
    const postId = scheduled.data.schedulePost.id;

    const handle = uniqueHandle();
    const refusals: [string, Record<string, unknown>][] = [
      ["ConnectSocialAccount", { input: { platform: "INSTAGRAM", handle, accessToken: `dev-${handle}` } }],
      ["DisconnectSocialAccount", { id: owner.account.id }],
      ["CancelScheduledPost", { id: postId }],
      ["SocialAccounts", {}],
      ["ScheduledPosts", { accountId: owner.account.id }],
      ["AccountAnalytics", { accountId: owner.account.id }],
    ];
    for (const [operation, variables] of refusals) {
      const refused = await key.op(operation, variables);
      assert.equal(refused.errors?.[0].extensions?.code, "FORBIDDEN", `${operation}: ${JSON.stringify(refused.errors)}`);
      assert.equal(refused.data, null, operation);
    }
    // It can read nothing, so it may not even open a live connection.
    const live = connect(stack.wsUrl, { apiKey: created.data.createApiKey.secret });
    assert.equal((await live.closed).code, 4403);
    await live.client.dispose();

    const account = (await stack.db.query("select status from social.accounts where id = $1", [owner.account.id])).rows[0];
    assert.equal(account.status, "ACTIVE", "the key disconnected nothing");
    const post = (await stack.db.query("select status from social.scheduled_posts where id = $1", [postId])).rows[0];
    assert.equal(post.status, "SCHEDULED", "the key cancelled nothing");

    // Another user's account does not exist for the key.
    const notTheirs = await key.op("RecordPostMetrics", { accountId: marketer.account.id, posts: [postMetrics("intruder")] });
    assert.equal(notTheirs.errors?.[0].extensions?.code, "NOT_FOUND");
    const notTheirsToo = await key.request(`mutation ($input: SchedulePostInput!) { schedulePost(input: $input) { id } }`, {
      input: { accountId: marketer.account.id, caption: "Intruder", mediaAssetId: owner.media.id, scheduledFor: fromNow(HOUR) },
    });
    assert.equal(notTheirsToo.errors?.[0].extensions?.code, "NOT_FOUND");
    assert.equal((await stack.db.query("select count(*)::int as n from social.posts where external_id = 'intruder'")).rows[0].n, 0);

    // Reads take social:read.
    const reader = (await owner.client.op("CreateApiKey", { input: { name: "dashboard", scopes: ["social:read"] } })).data.createApiKey.secret;
    const read = await stack.client({ apiKey: reader }).op("ScheduledPosts", { accountId: owner.account.id });
    assert.equal(read.errors, undefined, JSON.stringify(read.errors));
    assert.deepEqual(
      read.data.scheduledPosts.map((entry: { id: string }) => entry.id),
      [postId],
    );
    const readerLive = connect(stack.wsUrl, { apiKey: reader });
    const readerStream = subscribe(readerLive, contractOperation("EngagementUpdated"), { accountId: owner.account.id });
    await pause(200);
    assert.equal((await key.op("RecordPostMetrics", { accountId: owner.account.id, posts: [postMetrics("from-key", { likes: 50 })] })).errors, undefined);
    const [event] = await readerStream.next(1, 1_000);
    assert.equal(event.data?.engagementUpdated.accountId, owner.account.id, JSON.stringify(event));
    readerStream.stop();
    await readerLive.client.dispose();
    const readerWrites = await stack.client({ apiKey: reader }).op("RecordPostMetrics", { accountId: owner.account.id, posts: [postMetrics("reader")] });
    assert.equal(readerWrites.errors?.[0].extensions?.code, "FORBIDDEN");
  });

  it("lets an admin read and act on any account", async () => {
    const own = await marketer.client.op("ScheduledPosts", { accountId: marketer.account.id });
    const asAdmin = await admin.client.op("ScheduledPosts", { accountId: marketer.account.id });
    assert.equal(asAdmin.errors, undefined, JSON.stringify(asAdmin.errors));
    assert.deepEqual(asAdmin.data, own.data);
    const analytics = await admin.client.op("AccountAnalytics", { accountId: marketer.account.id, days: 1 });
    assert.equal(analytics.errors, undefined, JSON.stringify(analytics.errors));
    const post = (
      await marketer.client.op("SchedulePost", {
        input: { accountId: marketer.account.id, caption: "For the admin to stop", mediaAssetId: marketer.media.id, scheduledFor: fromNow(HOUR) },
      })
    ).data.schedulePost;
    const cancelled = await admin.client.op("CancelScheduledPost", { id: post.id });
    assert.deepEqual(cancelled.data?.cancelScheduledPost, { id: post.id, status: "CANCELLED" }, JSON.stringify(cancelled.errors));
  });
});

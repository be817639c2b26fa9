import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { registerWithRole, upload, uploadReady } from "../src/content-fixtures";
import { HOUR, connectAccount, courseToPromote, devToken, fromNow, marketerWithAccount, postMetrics, uniqueHandle } from "../src/social-fixtures";
import type { GraphQLResponse, Stack } from "../src/stack";
import { startStack, tableSnapshot } from "../src/stack";

/**
 * Issue 11, point 8: every bad social request gets a coded error and changes nothing. The social,
 * content and users schemas (the audit log among them) are fingerprinted before and after each case.
 */
describe("social: bad input changes nothing", () => {
  let stack: Stack;
  let marketer: Awaited<ReturnType<typeof marketerWithAccount>>;
  let other: Awaited<ReturnType<typeof marketerWithAccount>>;
  let course: { id: string };

  before(async () => {
    stack = await startStack();
    marketer = await marketerWithAccount(stack, "Careful Marketer");
    other = await marketerWithAccount(stack, "Other Marketer");
    course = await courseToPromote(stack);
  });
  after(() => stack?.close());

  async function expectRefused(send: () => Promise<GraphQLResponse>, code: string, message?: RegExp): Promise<void> {
    const before = await tableSnapshot(stack, ["social", "content", "users"]);
    const response = await send();
    assert.ok(response.errors?.length, `expected an error, got ${JSON.stringify(response.data)}`);
    assert.equal(response.errors[0].extensions?.code, code, JSON.stringify(response.errors));
    if (message) assert.match(response.errors[0].message, message);
    assert.ok(!response.data || Object.values(response.data).every((value) => value === null), "no data for a refused request");
    await stack.settle();
    assert.deepEqual(await tableSnapshot(stack, ["social", "content", "users"]), before, "the database is unchanged");
  }

  /** A valid post of the marketer's, with `changes`. */
  const post = (changes: Record<string, unknown> = {}) => ({
    accountId: marketer.account.id,
    caption: "Mock test series opens Monday",
    hashtags: ["clat"],
    mediaAssetId: marketer.media.id,
    scheduledFor: fromNow(HOUR),
    promotesCourseId: course.id,
    ...changes,
  });
  const schedule = (changes: Record<string, unknown>) => marketer.client.op("SchedulePost", { input: post(changes) });

  it("accepts the valid post these cases start from", async () => {
    const accepted = await marketer.client.op("SchedulePost", { input: post() });
    assert.equal(accepted.errors, undefined, JSON.stringify(accepted.errors));
  });

  it("a post in the past", () => expectRefused(() => schedule({ scheduledFor: fromNow(-HOUR) }), "BAD_USER_INPUT", /minute ahead/));

  it("a post less than a minute ahead", () => expectRefused(() => schedule({ scheduledFor: fromNow(30_000) }), "BAD_USER_INPUT", /minute ahead/));

  it("a post on another user's account", () => expectRefused(() => schedule({ accountId: other.account.id }), "NOT_FOUND"));

  it("a post on an account that does not exist, or an id that is not one", async () => {
    await expectRefused(() => schedule({ accountId: "00000000-0000-4000-8000-000000000000" }), "NOT_FOUND");
    await expectRefused(() => schedule({ accountId: "not-an-id" }), "NOT_FOUND");
  });

  it("another user's media", () => expectRefused(() => schedule({ mediaAssetId: other.media.id }), "BAD_USER_INPUT", /mediaAssetId/));

  it("media that is not READY, or not a SOCIAL_MEDIA upload", async () => {
    const pending = await marketer.client.op("CreateUploadUrl", { input: { filename: "p.png", contentType: "image/png", sizeBytes: 10, purpose: "SOCIAL_MEDIA" } });
    assert.equal(pending.errors, undefined, JSON.stringify(pending.errors));
    await expectRefused(() => schedule({ mediaAssetId: pending.data.createUploadUrl.asset.id }), "BAD_USER_INPUT", /mediaAssetId/);
    const avatar = await uploadReady(marketer.client, "AVATAR", "image/png");
    await expectRefused(() => schedule({ mediaAssetId: avatar.id }), "BAD_USER_INPUT", /mediaAssetId/);
    const rejected = await upload(marketer.client, { purpose: "SOCIAL_MEDIA", contentType: "text/plain", declaredType: "image/png", bytes: Buffer.from("not an image") });
    assert.notEqual(rejected.completed.data?.completeUpload?.status, "READY");
    await expectRefused(() => schedule({ mediaAssetId: rejected.ticket.asset.id }), "BAD_USER_INPUT", /mediaAssetId/);
    await expectRefused(() => schedule({ mediaAssetId: null }), "BAD_USER_INPUT", /mediaAssetId/);
  });

  it("a course that does not exist", () => expectRefused(() => schedule({ promotesCourseId: "00000000-0000-4000-8000-000000000000" }), "BAD_USER_INPUT"));

  it("an unknown platform", async () => {
    const handle = uniqueHandle();
    const connect = (platform: string) => marketer.client.op("ConnectSocialAccount", { input: { platform, handle, accessToken: devToken(handle) } });
    await expectRefused(() => connect("TIKTOK"), "BAD_USER_INPUT");
    await expectRefused(
      () => marketer.client.request(`mutation { connectSocialAccount(input: { platform: TIKTOK, handle: "${handle}", accessToken: "${devToken(handle)}" }) { id } }`),
      "GRAPHQL_VALIDATION_FAILED",
    );
  });

  it("a token that is not the handle's, or that Instagram refuses", async () => {
    const handle = uniqueHandle();
    const connect = (accessToken: string) => marketer.client.op("ConnectSocialAccount", { input: { platform: "INSTAGRAM", handle, accessToken } });
    await expectRefused(() => connect(devToken(uniqueHandle())), "BAD_USER_INPUT", /not @/);
    await expectRefused(() => connect("not-a-token-instagram-knows"), "BAD_USER_INPUT", /refused/);
  });

  it("an account another SOLO user holds", async () => {
    const handle = other.account.handle;
    await expectRefused(() => marketer.client.op("ConnectSocialAccount", { input: { platform: "INSTAGRAM", handle, accessToken: devToken(handle) } }), "CONFLICT");
  });

  it("metrics with negative counts", async () => {
    for (const count of ["likes", "comments", "saves", "shares", "reach", "impressions"]) {
      await expectRefused(
        () => marketer.client.op("RecordPostMetrics", { accountId: marketer.account.id, posts: [postMetrics("fine"), postMetrics("negative", { [count]: -1 })] }),
        "BAD_USER_INPUT",
        new RegExp(count),
      );
    }
  });

  it("metrics on another user's account, or for a post published in the future", async () => {
    await expectRefused(() => marketer.client.op("RecordPostMetrics", { accountId: other.account.id, posts: [postMetrics("theirs")] }), "NOT_FOUND");
    await expectRefused(
      () => marketer.client.op("RecordPostMetrics", { accountId: marketer.account.id, posts: [postMetrics("ahead", { publishedAt: fromNow(HOUR) })] }),
      "BAD_USER_INPUT",
    );
    await expectRefused(
      () => marketer.client.op("RecordPostMetrics", { accountId: marketer.account.id, posts: [postMetrics("twice"), postMetrics("twice")] }),
      "BAD_USER_INPUT",
    );
  });

  it("a caption over 2,200 characters, on its own or with its hashtags", async () => {
    await expectRefused(() => schedule({ caption: "x".repeat(2_201), hashtags: [] }), "BAD_USER_INPUT", /2200|2,200/);
    // 2,195 characters, then "\n\n#clat" added when published: 2,202.
    await expectRefused(() => schedule({ caption: "x".repeat(2_195), hashtags: ["clat"] }), "BAD_USER_INPUT", /2200|2,200/);
    const accepted = await schedule({ caption: "x".repeat(2_200), hashtags: [] });
    assert.equal(accepted.errors, undefined, "2,200 characters exactly are allowed");
  });

  it("more than 30 hashtags, listed, in the caption, or both together", async () => {
    const tags = (n: number, prefix = "tag") => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
    await expectRefused(() => schedule({ hashtags: tags(31) }), "BAD_USER_INPUT", /30 hashtags/);
    await expectRefused(
      () =>
        schedule({
          caption: tags(31)
            .map((tag) => `#${tag}`)
            .join(" "),
          hashtags: [],
        }),
      "BAD_USER_INPUT",
      /30 hashtags/,
    );
    await expectRefused(
      () =>
        schedule({
          caption: `Twenty ${tags(20, "a")
            .map((tag) => `#${tag}`)
            .join(" ")}`,
          hashtags: tags(11, "b"),
        }),
      "BAD_USER_INPUT",
      /30 hashtags/,
    );
    const accepted = await schedule({
      caption: `Thirty ${tags(20, "a")
        .map((tag) => `#${tag}`)
        .join(" ")}`,
      hashtags: tags(10, "b"),
    });
    assert.equal(accepted.errors, undefined, "30 hashtags are allowed");
  });

  it("acting on a post or account that is not yours", async () => {
    const theirs = (await other.client.op("SchedulePost", { input: { ...post(), accountId: other.account.id, mediaAssetId: other.media.id } })).data.schedulePost;
    await expectRefused(() => marketer.client.op("CancelScheduledPost", { id: theirs.id }), "NOT_FOUND");
    await expectRefused(() => marketer.client.op("DisconnectSocialAccount", { id: other.account.id }), "NOT_FOUND");
  });

  it("cancelling a post that has started publishing", async () => {
    const mine = (await schedule({})).data.schedulePost;
    await stack.db.query("update social.scheduled_posts set status = 'PUBLISHED', published_at = now() where id = $1", [mine.id]);
    await expectRefused(() => marketer.client.op("CancelScheduledPost", { id: mine.id }), "BAD_USER_INPUT", /published/);
  });

  it("an instructor, who may not connect an account nor see a marketer's", async () => {
    const instructor = await registerWithRole(stack, "INSTRUCTOR");
    const handle = uniqueHandle();
    await expectRefused(() => instructor.client.op("ConnectSocialAccount", { input: { platform: "INSTAGRAM", handle, accessToken: devToken(handle) } }), "FORBIDDEN");
    const account = await connectAccount(marketer.client);
    await expectRefused(() => instructor.client.op("ScheduledPosts", { accountId: account.id }), "NOT_FOUND");
  });
});

import "reflect-metadata";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { RunningSubgraph } from "@solo/kit";
import { ManualClock, createLogger, runSubgraph } from "@solo/kit";
import { createTestDatabase } from "@solo/kit/dist/src/testing";
import type { InstagramStandIn } from "@solo/tools/dist/src/instagram-stand-in";
import { startInstagramStandIn } from "@solo/tools/dist/src/instagram-stand-in";
import { claimDuePosts } from "../src/publisher/claims";
import { publishPost } from "../src/publisher/publish-post";
import type { SocialServices } from "../src/services";
import subgraph from "../src/subgraph";

/*
 * One publishing pass at a time (claim, then publishPost), over real Postgres and the Instagram
 * stand-in over HTTP, on a ManualClock both share. Each post already holds its media container (made
 * here through the client), so content is never asked; the end-to-end test covers the whole path.
 */
describe("the publisher", () => {
  const NOW = new Date("2026-06-15T12:00:00Z");
  const BACKOFF_MS = 30_000;
  const clock = new ManualClock(NOW);
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let standIn: InstagramStandIn;
  let service: RunningSubgraph<SocialServices>;
  before(async () => {
    database = await createTestDatabase("social_publisher");
    standIn = await startInstagramStandIn({ clock, videoProcessingMs: 10 * 60_000 });
    service = await runSubgraph(subgraph, {
      databaseUrl: database.url,
      env: { INSTAGRAM_GRAPH_URL: standIn.url, INSTAGRAM_TIMEOUT_MS: "300", PUBLISH_BACKOFF_MS: String(BACKOFF_MS) },
      clock,
      peers: { url: () => undefined },
    });
  });
  after(async () => {
    await service.close();
    await standIn.close();
    await database.drop();
  });

  const sql = (query: string, params: unknown[] = []) => service.orm.em.getConnection().execute<Record<string, any>[]>(query, params);
  const logger = createLogger("publisher-test");

  let accounts = 0;
  /** An ACTIVE account the stand-in knows, stored as connecting would store it. */
  async function account(): Promise<{ id: string; userId: string; token: string }> {
    const n = ++accounts;
    const created = { id: randomUUID(), userId: `1784150000000${1000 + n}`, token: `IGAA-publisher-${n}-${randomUUID()}` };
    standIn.addAccount({ token: created.token, userId: created.userId, username: `publisher.${n}` });
    await sql(
      `insert into social.accounts (id, owner_id, platform, handle, platform_user_id, token_sealed, created_at, updated_at) values (?, ?, 'INSTAGRAM', ?, ?, ?, ?, ?)`,
      [created.id, randomUUID(), `publisher.${n}`, created.userId, service.services.tokens.seal(created.token, created.id), NOW, NOW],
    );
    return created;
  }

  /** A due post whose container an earlier try made (and kept), as PUBLISHING after `attempts` tries. */
  async function duePost(owner: { id: string; userId: string; token: string }, contentType: string, attempts = 0): Promise<{ id: string; containerId: string }> {
    const containerId = await service.services.instagram.createContainer({
      igUserId: owner.userId,
      accessToken: owner.token,
      caption: "a post",
      mediaUrl: "https://files.example/post",
      contentType,
    });
    const id = randomUUID();
    await sql(
      `insert into social.scheduled_posts (id, account_id, owner_id, caption, hashtags, media_asset_id, scheduled_for, next_attempt_at, status, attempts, container_id, created_at, updated_at)
       values (?, ?, ?, 'a post', '{}', ?, ?, ?, ?, ?, ?, ?, ?)`,
      [id, owner.id, randomUUID(), randomUUID(), clock.now(), clock.now(), attempts ? "PUBLISHING" : "SCHEDULED", attempts, containerId, clock.now(), clock.now()],
    );
    return { id, containerId };
  }

  /** One publisher's pass over what is due now. */
  async function publishDue(): Promise<void> {
    const em = service.orm.em.fork();
    const { settings, instagram, content, tokens } = service.services;
    for (const post of await claimDuePosts(em, { id: "test-publisher", leaseMs: settings.publishLeaseMs }, clock.now(), 10)) {
      await publishPost(post, { em, settings, instagram, content, tokens, logger, now: () => clock.now() });
    }
  }
  const postRow = async (id: string) =>
    (await sql("select status, attempts, last_error, slot_taken_at, published_media_id from social.scheduled_posts where id = ?", [id]))[0];

  it("adds a published post to its day's rollup and the account's count, as recorded metrics do", async () => {
    const owner = await account();
    const post = await duePost(owner, "image/jpeg");
    await publishDue();
    assert.equal((await postRow(post.id)).status, "PUBLISHED");
    const today = clock.now().toISOString().slice(0, 10);
    assert.deepEqual(await sql("select day::text, posts from social.daily_engagement where account_id = ?", [owner.id]), [{ day: today, posts: 1 }]);
    assert.equal((await sql("select posts_count from social.accounts where id = ?", [owner.id]))[0].posts_count, 1);
  });

  it("waits for a video still being processed without spending its tries, then publishes it", async () => {
    const owner = await account();
    const post = await duePost(owner, "video/mp4");
    for (let pass = 0; pass < 4; pass++) {
      await publishDue();
      clock.advance(2 * 60_000);
    }
    assert.deepEqual(
      { ...(await postRow(post.id)), last_error: undefined },
      { status: "PUBLISHING", attempts: 0, last_error: undefined, slot_taken_at: null, published_media_id: null },
    );
    clock.advance(10 * 60_000); // processed
    await publishDue();
    assert.equal((await postRow(post.id)).status, "PUBLISHED");
    assert.equal(standIn.publishCount(post.containerId), 1);
  });

  it("a publish refused as not ready yet (code 9007) waits without spending a try", async () => {
    const owner = await account();
    const post = await duePost(owner, "image/jpeg");
    standIn.failNext("media_publish", 1, { status: 400, code: 9007, subcode: 2207027, message: "Media ID is not available" });
    await publishDue();
    assert.deepEqual([(await postRow(post.id)).status, (await postRow(post.id)).attempts], ["PUBLISHING", 0]);
    clock.advance(BACKOFF_MS);
    await publishDue();
    assert.equal((await postRow(post.id)).status, "PUBLISHED");
  });

  it("never calls a post FAILED while its last publish went unanswered: a later pass finds it published", async () => {
    const owner = await account();
    const post = await duePost(owner, "image/jpeg", 3);
    standIn.delayNext("media_publish", 1, 1_000); // published at once, answered after the client gave up
    await publishDue();
    const unanswered = await postRow(post.id);
    assert.deepEqual([unanswered.status, unanswered.attempts], ["PUBLISHING", 4]);
    assert.ok(unanswered.slot_taken_at, "the slot is kept: the post may be out");
    clock.advance(8 * BACKOFF_MS);
    await publishDue();
    assert.equal((await postRow(post.id)).status, "PUBLISHED");
    assert.equal(standIn.publishCount(post.containerId), 1);
  });

  it("after its last try went unanswered and did not go through, fails without publishing again", async () => {
    const owner = await account();
    const post = await duePost(owner, "image/jpeg", 3);
    // Its fourth publish went unanswered, and in fact did nothing: the container is FINISHED, not PUBLISHED.
    await sql("update social.scheduled_posts set attempts = 4, status = 'PUBLISHING', slot_taken_at = ? where id = ?", [clock.now(), post.id]);
    await publishDue();
    const failed = await postRow(post.id);
    assert.deepEqual([failed.status, failed.slot_taken_at], ["FAILED", null]);
    assert.equal(standIn.publishCount(post.containerId), 0);
  });

  it("keeps an internal failure's text out of lastError, which the post's owner reads", async () => {
    const owner = await account();
    const post = await duePost(owner, "image/jpeg");
    // Sealed under a key the ring no longer holds: opening it fails inside SOLO, not at Instagram.
    await sql("update social.accounts set token_sealed = 'v1:retired:aaaa:bbbb:cccc' where id = ?", [owner.id]);
    await publishDue();
    const row = await postRow(post.id);
    assert.deepEqual([row.status, row.attempts], ["PUBLISHING", 1]);
    assert.doesNotMatch(row.last_error, /retired|SOCIAL_TOKEN_KEYS/);
    assert.match(row.last_error, /SOLO/);
  });
});

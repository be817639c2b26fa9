import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { projectRoot } from "@solo/kit";
import type { InstagramStandIn } from "@solo/tools/dist/src/instagram-stand-in";
import { Client } from "pg";
import { registerWithRole, uploadReady } from "../src/content-fixtures";
import type { Stack } from "../src/stack";
import { startStack } from "../src/stack";

/**
 * The publisher as `npm start` runs it: processes of its own (the kit's work.js), on the stack's
 * database, calling the stack's Instagram stand-in over loopback, which fails, answers slowly and
 * counts every publish. Posts are scheduled through the gateway; their time then "comes" by moving
 * next_attempt_at to the past, the one thing the test writes itself.
 */
describe("publishing scheduled posts", () => {
  let stack: Stack;
  let standIn: InstagramStandIn;
  let db: Client;
  let marketer: Awaited<ReturnType<typeof registerWithRole>>;
  let mediaId: string;
  const publishers: { child: ChildProcess; output: () => string; exited: Promise<number | null> }[] = [];

  before(async () => {
    stack = await startStack();
    standIn = stack.instagram;
    db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    marketer = await registerWithRole(stack, "MARKETER");
    mediaId = (await uploadReady(marketer.client, "SOCIAL_MEDIA", "image/png")).id;
  });
  after(async () => {
    for (const publisher of publishers) publisher.child.kill("SIGKILL");
    await Promise.all(publishers.map((publisher) => publisher.exited));
    await db?.end();
    await stack?.close();
  });

  async function connect(handle: string): Promise<string> {
    const answer = await marketer.client.op("ConnectSocialAccount", { input: { platform: "INSTAGRAM", handle, accessToken: `dev-${handle}` } });
    assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
    return answer.data.connectSocialAccount.id as string;
  }

  /** Schedules `count` posts on the account through the gateway, then makes them due. */
  async function duePosts(accountId: string, count: number, label: string): Promise<string[]> {
    const ids: string[] = [];
    for (let index = 0; index < count; index++) {
      const input = { accountId, caption: `${label} ${index}`, hashtags: ["solo"], mediaAssetId: mediaId, scheduledFor: new Date(Date.now() + 120_000).toISOString() };
      const answer = await marketer.client.op("SchedulePost", { input });
      assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
      ids.push(answer.data.schedulePost.id as string);
    }
    await db.query(`update social.scheduled_posts set next_attempt_at = now() - interval '1 second' where id = any($1)`, [ids]);
    return ids;
  }

  /** A publisher process; settings shortened so retries, backoff and leases fit in a test. */
  async function startPublisher(env: Record<string, string> = {}) {
    const child = spawn(process.execPath, [path.join(projectRoot(), "packages/kit/dist/src/work.js"), "social", "publisher"], {
      env: {
        ...process.env,
        DATABASE_URL: stack.databaseUrl,
        SUBGRAPH_URL_CONTENT: stack.subgraphUrls.content,
        SUBGRAPH_URL_USERS: stack.subgraphUrls.users,
        INSTAGRAM_GRAPH_URL: standIn.url,
        INSTAGRAM_TIMEOUT_MS: "1000",
        PUBLISH_LEASE_MS: "5000",
        PUBLISH_POLL_MS: "100",
        PUBLISH_BACKOFF_MS: "100",
        LOG_LEVEL: "info",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const publisher = { child, output: () => output, exited };
    publishers.push(publisher);
    for (let waited = 0; !output.includes("worker running"); waited += 50) {
      if (child.exitCode !== null || waited > 30_000) throw new Error(`the publisher did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return publisher;
  }

  async function stopPublishers() {
    for (const publisher of publishers.splice(0)) {
      if (publisher.child.exitCode === null && publisher.child.signalCode === null) publisher.child.kill("SIGTERM");
      await publisher.exited;
    }
  }

  async function statuses(ids: string[]) {
    const { rows } = await db.query<{
      id: string;
      status: string;
      attempts: number;
      last_error: string | null;
      container_id: string | null;
      published_media_id: string | null;
    }>(`select id, status, attempts, last_error, container_id, published_media_id from social.scheduled_posts where id = any($1)`, [ids]);
    return rows;
  }

  async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${publishers.map((publisher) => publisher.output().slice(-3000)).join("\n---\n")}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it("publishes 100 due posts exactly once with two publishers, through failures, slow answers and a publisher killed before its commit", async () => {
    const accounts = await Promise.all(["brand_a", "brand_b", "brand_c", "brand_d", "brand_e"].map(connect));
    const ids: string[] = [];
    for (const accountId of accounts) ids.push(...(await duePosts(accountId, 20, `launch ${accountId.slice(0, 8)}`)));
    assert.equal(ids.length, 100);

    standIn.failNext("media", 6, { status: 500, code: 2 });
    standIn.failNext("media_publish", 6, { status: 503, code: 2 });
    // Slower than INSTAGRAM_TIMEOUT_MS: the publisher gives up, the platform publishes anyway.
    standIn.delayNext("media_publish", 3, 1_500);

    // On the 20th publish: hold the post's row, so its publisher's commit waits, and kill that
    // publisher while it waits, between the platform's answer and its own commit.
    let killed: { postId: string; pid: number; released: Promise<void> } | undefined;
    let publishes = 0;
    const holder = new Client({ connectionString: stack.databaseUrl });
    await holder.connect();
    standIn.onPublished = async ({ containerId }) => {
      if (++publishes !== 20) return;
      await holder.query("begin");
      const { rows } = await holder.query<{ id: string; claimed_by: string }>(`select id, claimed_by from social.scheduled_posts where container_id = $1 for update`, [
        containerId,
      ]);
      const pid = Number(rows[0].claimed_by.split(":")[1]);
      killed = {
        postId: rows[0].id,
        pid,
        released: (async () => {
          // Its publisher's transaction is waiting for our lock: it has the answer, not the commit.
          await waitFor("the publisher's commit to wait on the held row", async () => {
            const waiting = await db.query(`select 1 from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`);
            return waiting.rowCount ? true : undefined;
          });
          process.kill(pid, "SIGKILL");
          await publishers.find((publisher) => publisher.child.pid === pid)!.exited;
          await holder.query("rollback");
        })(),
      };
    };

    await Promise.all([startPublisher(), startPublisher()]);
    const rows = await waitFor("every post to be published", async () => {
      const current = await statuses(ids);
      return current.every((row) => row.status === "PUBLISHED") ? current : undefined;
    });
    standIn.onPublished = undefined;
    assert.ok(killed, "a publisher was killed between the platform's answer and its commit");
    await killed.released;
    await holder.end();

    const published = standIn.published();
    assert.equal(published.length, 100, "one publish per post on the platform");
    assert.equal(new Set(published.map((entry) => entry.caption)).size, 100, "each post's own caption, once");
    for (const row of rows) assert.equal(standIn.publishCount(row.container_id!), 1, `container of post ${row.id} published once`);
    // The killed publisher never committed: the post was found published by the survivor's retry.
    const recovered = rows.find((row) => row.id === killed!.postId)!;
    assert.equal(recovered.published_media_id, null, "recorded from the container's status, not from a second publish");
    assert.ok(rows.reduce((sum, row) => sum + row.attempts, 0) > 100, "failed tries were counted");
    await stopPublishers();
  });

  it("publishes at most the account's daily limit and keeps the rest waiting for a free slot", async () => {
    const accountId = await connect("brand_limited");
    const ids = await duePosts(accountId, 5, "limited");
    await startPublisher({ PUBLISH_DAILY_LIMIT: "3" });
    await waitFor("three posts published and two waiting", async () => {
      const rows = await statuses(ids);
      const published = rows.filter((row) => row.status === "PUBLISHED").length;
      return published === 3 && rows.every((row) => row.status !== "FAILED") ? true : undefined;
    });
    // Another second of polling: the two left stay unpublished, waiting a day from the first slot.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const { rows } = await db.query<{ status: string; wait: number }>(
      `select status, extract(epoch from next_attempt_at - now()) as wait from social.scheduled_posts where id = any($1) and status <> 'PUBLISHED'`,
      [ids],
    );
    assert.equal(rows.length, 2);
    for (const row of rows) assert.ok(row.wait > 23 * 3600, `waits about a day, not ${row.wait} s`);
    const platform = standIn.published().filter((entry) => entry.caption.startsWith("limited"));
    assert.equal(platform.length, 3, "the platform saw three publishes");
    await stopPublishers();
  });

  it("at SIGTERM finishes the post in hand and hands back the ones it had not started", async () => {
    const accountId = await connect("brand_stopping");
    const ids = await duePosts(accountId, 5, "stopping");
    // The first publish answers slowly: the publisher is inside it, holding its other four claims, when told to stop.
    standIn.delayNext("media_publish", 1, 700);
    const publisher = await startPublisher();
    await waitFor("a post to be inside media_publish", async () => {
      const { rows } = await db.query(`select 1 from social.scheduled_posts where id = any($1) and container_id is not null`, [ids]);
      return rows.length ? true : undefined;
    });
    const claimedBefore = (await statuses(ids)).filter((row) => row.status === "PUBLISHING").length;
    assert.equal(claimedBefore, 5, "one claim holds all five");
    publisher.child.kill("SIGTERM");
    assert.equal(await publisher.exited, 0);
    publishers.splice(publishers.indexOf(publisher), 1);
    const { rows } = await db.query<{ status: string; claim_token: string | null; lease_until: Date | null }>(
      `select status, claim_token, lease_until from social.scheduled_posts where id = any($1) order by status`,
      [ids],
    );
    assert.deepEqual(
      rows.map((row) => row.status),
      ["PUBLISHED", "SCHEDULED", "SCHEDULED", "SCHEDULED", "SCHEDULED"],
    );
    assert.ok(
      rows.every((row) => row.claim_token === null && row.lease_until === null),
      "no claim left behind",
    );
    await startPublisher();
    await waitFor("the rest published by the next publisher", async () => {
      const current = await statuses(ids);
      return current.every((row) => row.status === "PUBLISHED") ? true : undefined;
    });
    await stopPublishers();
  });

  it("gives up after the first try and three retries, recording attempts and the last error", async () => {
    const accountId = await connect("brand_failing");
    const [id] = await duePosts(accountId, 1, "doomed");
    standIn.failNext("media", 4, { status: 500, code: 1, message: "An unknown error occurred" });
    await startPublisher();
    const answer = await waitFor("the post to fail", async () => {
      const listed = await marketer.client.op("ScheduledPosts", { accountId, status: "FAILED" });
      assert.equal(listed.errors, undefined, JSON.stringify(listed.errors));
      return listed.data.scheduledPosts.length ? listed.data.scheduledPosts[0] : undefined;
    });
    assert.equal(answer.id, id);
    assert.equal(answer.attempts, 4);
    assert.match(answer.lastError, /unknown error/i);
    assert.equal(answer.publishedAt, null);
    await stopPublishers();
  });
});

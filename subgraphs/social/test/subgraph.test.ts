import "reflect-metadata";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { Identity, RunningSubgraph } from "@solo/kit";
import { ANONYMOUS, IDENTITY_HEADER, ManualClock, freePort, runSubgraph, signIdentity } from "@solo/kit";
import { createTestDatabase } from "@solo/kit/dist/src/testing";
import type { InstagramStandIn } from "@solo/tools/dist/src/instagram-stand-in";
import { startInstagramStandIn } from "@solo/tools/dist/src/instagram-stand-in";
import type { SocialServices } from "../src/services";
import { accountAnalytics } from "../src/services/analytics";
import subgraph from "../src/subgraph";

/*
 * The social subgraph as the gateway calls it (signed identities), over real Postgres and the
 * local Instagram stand-in over HTTP; content is somewhere nobody answers. Time is a ManualClock.
 */
describe("social subgraph", () => {
  const NOW = new Date("2026-06-15T12:00:00Z");
  const clock = new ManualClock(NOW);
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let standIn: InstagramStandIn;
  let service: RunningSubgraph<SocialServices>;
  before(async () => {
    [database, standIn] = await Promise.all([createTestDatabase("social"), startInstagramStandIn()]);
    const nowhere = `http://127.0.0.1:${await freePort()}/graphql`;
    service = await runSubgraph(subgraph, {
      databaseUrl: database.url,
      env: { INSTAGRAM_GRAPH_URL: standIn.url, INSTAGRAM_TIMEOUT_MS: "2000" },
      clock,
      peers: { url: (name) => (name === "content" ? nowhere : undefined) },
    });
  });
  after(async () => {
    await service.close();
    await standIn.close();
    await database.drop();
  });

  type Answer = { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };
  /** As the gateway calls: with the caller's identity signed. */
  async function call(query: string, variables: object, identity: Identity): Promise<Answer> {
    const headers = { "content-type": "application/json", [IDENTITY_HEADER]: await signIdentity(identity) };
    const response = await fetch(service.url, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
    return (await response.json()) as Answer;
  }
  /** The answer's data, failing with its errors when it has any. */
  async function ok(query: string, variables: object, identity: Identity): Promise<any> {
    const answer = await call(query, variables, identity);
    assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
    return answer.data;
  }
  const code = (answer: Answer) => answer.errors?.[0]?.extensions?.code;
  const sql = (query: string, params: unknown[] = []) => service.orm.em.getConnection().execute<Record<string, any>[]>(query, params);
  const person = (role: "STUDENT" | "INSTRUCTOR" | "MARKETER" | "ADMIN") => ({ kind: "user", userId: randomUUID(), role, sessionId: randomUUID() }) satisfies Identity;

  const CONNECT = `mutation ($input: ConnectSocialAccountInput!) {
    connectSocialAccount(input: $input) { id platform handle status tokenExpiresAt owner { id } }
  }`;
  const RECORD = `mutation ($accountId: ID!, $posts: [PostMetricsInput!]!, $followersCount: Int) {
    recordPostMetrics(accountId: $accountId, posts: $posts, followersCount: $followersCount) {
      id externalId likes comments saves shares reach impressions engagementRate
    }
  }`;
  const ACCOUNTS = "{ socialAccounts { id handle followersCount postsCount status lastSyncedAt } }";
  const ANALYTICS = `query ($accountId: ID!, $days: Int) {
    accountAnalytics(accountId: $accountId, days: $days) {
      days followers engagementRate totalReach bestPostingHour
      daily { date posts interactions reach impressions engagementRate }
      topPosts { externalId engagementRate }
    }
  }`;

  let handles = 0;
  /** An Instagram account the stand-in knows, with a token of its own. */
  function instagramAccount(): { username: string; userId: string; token: string } {
    const n = ++handles;
    const account = { username: `marketer.${n}`, userId: `1784140000000${1000 + n}`, token: `IGAA-secret-token-${n}-${randomUUID()}` };
    standIn.addAccount(account);
    return account;
  }
  const connect = (identity: Identity, handle: string, accessToken: string) => call(CONNECT, { input: { platform: "INSTAGRAM", handle, accessToken } }, identity);
  /** A marketer's freshly connected account. */
  async function connectedAccount(owner: Identity): Promise<string> {
    const instagram = instagramAccount();
    const answer = await connect(owner, instagram.username, instagram.token);
    assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
    return answer.data.connectSocialAccount.id;
  }
  const accountRow = async (id: string) => (await sql("select * from social.accounts where id = ?", [id]))[0];

  describe("connecting an account", () => {
    it("checks the token with Instagram, and keeps it sealed: not in the row in any spelling, nor in the answer", async () => {
      const marketer = person("MARKETER");
      const instagram = instagramAccount();
      const answer = await connect(marketer, `@${instagram.username.toUpperCase()}`, instagram.token);
      assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
      const account = answer.data.connectSocialAccount;
      assert.deepEqual(
        { ...account, id: undefined },
        { id: undefined, platform: "INSTAGRAM", handle: instagram.username, status: "ACTIVE", tokenExpiresAt: null, owner: { id: marketer.userId } },
      );
      assert.ok(!JSON.stringify(answer).includes(instagram.token));

      const row = await accountRow(account.id);
      assert.equal(row.owner_id, marketer.userId);
      assert.equal(row.platform_user_id, instagram.userId);
      const raw = Buffer.from(instagram.token);
      const stored = JSON.stringify(row);
      for (const spelling of [instagram.token, raw.toString("base64"), raw.toString("base64url"), raw.toString("hex")]) {
        assert.ok(!stored.includes(spelling), `the token (${spelling}) is in the row`);
      }
      assert.match(row.token_sealed, /^v1:dev:/);
      assert.equal(service.services.tokens.open(row.token_sealed, account.id), instagram.token);

      const audit = await sql("select action, actor_id, details from social.audit_outbox where resource_id = ?", [account.id]);
      assert.deepEqual(audit, [{ action: "social_account.connected", actor_id: marketer.userId, details: { platform: "INSTAGRAM", handle: instagram.username } }]);
      assert.ok(!JSON.stringify(audit).includes(instagram.token));
    });

    it("reconnected by its owner, stays one row with the new token; another owner's connect is a CONFLICT", async () => {
      const [owner, other] = [person("MARKETER"), person("MARKETER")];
      const instagram = instagramAccount();
      const first = (await ok(CONNECT, { input: { platform: "INSTAGRAM", handle: instagram.username, accessToken: instagram.token } }, owner)).connectSocialAccount;
      const renewed = `IGAA-renewed-token-${randomUUID()}`;
      standIn.addAccount({ ...instagram, token: renewed });
      const expires = new Date(NOW.getTime() + 60 * 86_400_000).toISOString();
      const again = await ok(CONNECT, { input: { platform: "INSTAGRAM", handle: instagram.username, accessToken: renewed, tokenExpiresAt: expires } }, owner);
      assert.equal(again.connectSocialAccount.id, first.id);
      assert.equal(again.connectSocialAccount.tokenExpiresAt, expires);
      const rows = await sql("select id, token_sealed from social.accounts where platform_user_id = ?", [instagram.userId]);
      assert.equal(rows.length, 1);
      assert.equal(service.services.tokens.open(rows[0].token_sealed, first.id), renewed);

      const taken = await connect(other, instagram.username, instagram.token);
      assert.equal(code(taken), "CONFLICT");
      assert.deepEqual(await sql("select id, token_sealed from social.accounts where platform_user_id = ?", [instagram.userId]), rows);
    });

    it("refuses a token that is another handle's, or that Instagram does not know, and anyone but a marketer or admin", async () => {
      const [alice, bob] = [instagramAccount(), instagramAccount()];
      const marketer = person("MARKETER");
      const before = await sql("select count(*)::int as n from social.accounts");
      const notHers = await connect(marketer, alice.username, bob.token);
      assert.equal(code(notHers), "BAD_USER_INPUT");
      assert.match(notHers.errors![0].message, new RegExp(`not @${alice.username.replace(".", "\\.")}'s`));
      assert.equal(code(await connect(marketer, alice.username, "IGAA-nobody-knows-this-one")), "BAD_USER_INPUT");
      assert.equal(code(await connect(person("STUDENT"), alice.username, alice.token)), "FORBIDDEN");
      assert.equal(code(await connect(person("INSTRUCTOR"), alice.username, alice.token)), "FORBIDDEN");
      assert.equal(code(await connect(ANONYMOUS, alice.username, alice.token)), "UNAUTHENTICATED");
      assert.deepEqual(await sql("select count(*)::int as n from social.accounts"), before);
      // An admin may connect one.
      assert.equal(
        (await ok(CONNECT, { input: { platform: "INSTAGRAM", handle: alice.username, accessToken: alice.token } }, person("ADMIN"))).connectSocialAccount.status,
        "ACTIVE",
      );
    });

    it("disconnected, erases the token, and the platform account may be connected by someone else", async () => {
      const [owner, next] = [person("MARKETER"), person("MARKETER")];
      const instagram = instagramAccount();
      const { id } = (await ok(CONNECT, { input: { platform: "INSTAGRAM", handle: instagram.username, accessToken: instagram.token } }, owner)).connectSocialAccount;
      assert.equal(code(await call("mutation ($id: ID!) { disconnectSocialAccount(id: $id) { status } }", { id }, next)), "NOT_FOUND");
      const gone = await ok("mutation ($id: ID!) { disconnectSocialAccount(id: $id) { id status } }", { id }, owner);
      assert.deepEqual(gone.disconnectSocialAccount, { id, status: "DISCONNECTED" });
      assert.equal((await accountRow(id)).token_sealed, "");
      const taken = (await ok(CONNECT, { input: { platform: "INSTAGRAM", handle: instagram.username, accessToken: instagram.token } }, next)).connectSocialAccount;
      assert.notEqual(taken.id, id);
    });
  });

  it("disconnected, cancels its posts waiting to publish (a retry's too), not one a publisher holds or may have published", async () => {
    const owner = person("MARKETER");
    const id = await connectedAccount(owner);
    const minute = 60_000;
    const post = async (status: string, held: { leaseUntil?: Date; slotTakenAt?: Date } = {}) => {
      const rows = await sql(
        `insert into social.scheduled_posts (id, account_id, owner_id, caption, hashtags, scheduled_for, next_attempt_at, status, attempts, lease_until, slot_taken_at, created_at, updated_at)
         values (gen_random_uuid(), ?, ?, 'p', '{}', ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
        [id, owner.userId, NOW, NOW, status, status === "SCHEDULED" ? 0 : 1, held.leaseUntil ?? null, held.slotTakenAt ?? null, NOW, NOW],
      );
      return rows[0].id as string;
    };
    const scheduled = await post("SCHEDULED");
    const retrying = await post("PUBLISHING");
    const abandoned = await post("PUBLISHING", { leaseUntil: new Date(NOW.getTime() - minute) });
    const held = await post("PUBLISHING", { leaseUntil: new Date(NOW.getTime() + minute) });
    const mayBeOut = await post("PUBLISHING", { slotTakenAt: new Date(NOW.getTime() - minute) });
    await ok("mutation ($id: ID!) { disconnectSocialAccount(id: $id) { status } }", { id }, owner);
    const statuses = new Map((await sql("select id, status from social.scheduled_posts where account_id = ?", [id])).map((row) => [row.id, row.status]));
    assert.deepEqual(
      [scheduled, retrying, abandoned, held, mayBeOut].map((postId) => statuses.get(postId)),
      ["CANCELLED", "CANCELLED", "CANCELLED", "PUBLISHING", "PUBLISHING"],
    );
    const audit = await sql("select details from social.audit_outbox where resource_id = ? and action = 'social_account.disconnected'", [id]);
    assert.equal(audit[0].details.cancelledPosts, 3);
  });

  /** One post's metrics, as a client sends them. */
  const metrics = (
    externalId: string,
    publishedAt: string,
    counts: Partial<Record<"likes" | "comments" | "saves" | "shares" | "reach" | "impressions", number>> = {},
  ) => ({
    externalId,
    publishedAt,
    likes: 0,
    comments: 0,
    saves: 0,
    shares: 0,
    reach: 0,
    impressions: 0,
    ...counts,
  });

  /** The account's rollups, and the same sums computed from its posts: they must be equal. */
  async function rollupsAndSums(accountId: string) {
    const [rollups, sums] = await Promise.all([
      sql(
        `select day::text as day, posts, interactions::int as interactions, reach::int as reach, impressions::int as impressions
           from social.daily_engagement where account_id = ? order by day`,
        [accountId],
      ),
      sql(
        `select (published_at at time zone 'UTC')::date::text as day, count(*)::int as posts, sum(likes + comments + saves + shares)::int as interactions,
                sum(reach)::int as reach, sum(impressions)::int as impressions
           from social.posts where account_id = ? group by 1 order by 1`,
        [accountId],
      ),
    ]);
    return { rollups, sums };
  }

  describe("recording post metrics", () => {
    it("upserts by externalId, rates each post per the contract, and keeps each day's rollup equal to its posts, also when a post moves", async () => {
      const owner = person("MARKETER");
      const accountId = await connectedAccount(owner);
      const first = await ok(
        RECORD,
        {
          accountId,
          followersCount: 1_200,
          posts: [
            metrics("p1", "2026-06-10T08:00:00Z", { likes: 30, comments: 10, saves: 5, shares: 5, reach: 1_000, impressions: 1_500 }), // 50 / 1000 → 5
            metrics("p2", "2026-06-10T23:59:59Z", { likes: 20, comments: 2, saves: 1, reach: 160, impressions: 200 }), // 23 / 160 → 14.375 → 14.38
            metrics("p3", "2026-06-11T00:00:00Z", { likes: 4, comments: 1 }), // reach 0 → 0
          ],
        },
        owner,
      );
      const posts = first.recordPostMetrics;
      assert.deepEqual(
        posts.map((post: { externalId: string; engagementRate: number }) => [post.externalId, post.engagementRate]),
        [
          ["p1", 5],
          ["p2", 14.38],
          ["p3", 0],
        ],
      );
      let { rollups, sums } = await rollupsAndSums(accountId);
      assert.deepEqual(rollups, [
        { day: "2026-06-10", posts: 2, interactions: 73, reach: 1_160, impressions: 1_700 },
        { day: "2026-06-11", posts: 1, interactions: 5, reach: 0, impressions: 0 },
      ]);
      assert.deepEqual(rollups, sums);

      // p2 re-sent with new counts and a corrected time, a day later; p4 new; no followersCount this time.
      clock.advance(60_000);
      const second = await ok(
        RECORD,
        {
          accountId,
          posts: [
            metrics("p2", "2026-06-11T07:30:00Z", { likes: 60, comments: 20, saves: 10, shares: 10, reach: 400, impressions: 900 }), // 100 / 400 → 25
            metrics("p4", "2026-06-12T12:00:00Z", { likes: 1, reach: 3, impressions: 3 }), // 1 / 3 → 33.33
          ],
        },
        owner,
      );
      assert.equal(second.recordPostMetrics[0].id, posts[1].id);
      assert.deepEqual(
        second.recordPostMetrics.map((post: { likes: number; engagementRate: number }) => [post.likes, post.engagementRate]),
        [
          [60, 25],
          [1, 33.33],
        ],
      );
      assert.deepEqual(await sql("select external_id, likes from social.posts where account_id = ? order by external_id", [accountId]), [
        { external_id: "p1", likes: 30 },
        { external_id: "p2", likes: 60 },
        { external_id: "p3", likes: 4 },
        { external_id: "p4", likes: 1 },
      ]);
      ({ rollups, sums } = await rollupsAndSums(accountId));
      assert.deepEqual(rollups, [
        { day: "2026-06-10", posts: 1, interactions: 50, reach: 1_000, impressions: 1_500 },
        { day: "2026-06-11", posts: 2, interactions: 105, reach: 400, impressions: 900 },
        { day: "2026-06-12", posts: 1, interactions: 1, reach: 3, impressions: 3 },
      ]);
      assert.deepEqual(rollups, sums);

      // p1 moves off its day, leaving it empty: the day's rollup goes.
      await ok(
        RECORD,
        { accountId, posts: [metrics("p1", "2026-06-12T09:00:00Z", { likes: 30, comments: 10, saves: 5, shares: 5, reach: 1_000, impressions: 1_500 })] },
        owner,
      );
      ({ rollups, sums } = await rollupsAndSums(accountId));
      assert.deepEqual(
        rollups.map((row) => [row.day, row.posts]),
        [
          ["2026-06-11", 2],
          ["2026-06-12", 2],
        ],
      );
      assert.deepEqual(rollups, sums);

      const mine = (await ok(ACCOUNTS, {}, owner)).socialAccounts;
      assert.equal(mine.length, 1);
      assert.deepEqual(
        { ...mine[0], handle: undefined },
        { id: accountId, handle: undefined, followersCount: 1_200, postsCount: 4, status: "ACTIVE", lastSyncedAt: clock.now().toISOString() },
      );
      clock.set(NOW);
    });

    it("refuses a bad batch whole, and another marketer's account as not found", async () => {
      const owner = person("MARKETER");
      const accountId = await connectedAccount(owner);
      const before = await sql("select count(*)::int as n from social.posts");
      const good = metrics("ok", "2026-06-14T10:00:00Z", { likes: 1, reach: 10 });
      for (const bad of [
        metrics("neg", "2026-06-14T10:00:00Z", { likes: -1 }),
        metrics("future", "2026-06-15T12:05:01Z"),
        { ...metrics("link", "2026-06-14T10:00:00Z"), permalink: "http://instagram.com/p/x" },
        good, // the same externalId twice
      ]) {
        assert.equal(code(await call(RECORD, { accountId, posts: [good, bad] }, owner)), "BAD_USER_INPUT", bad.externalId);
      }
      const many = Array.from({ length: 101 }, (_, i) => metrics(`m${i}`, "2026-06-14T10:00:00Z"));
      assert.equal(code(await call(RECORD, { accountId, posts: many }, owner)), "BAD_USER_INPUT");
      assert.equal(code(await call(RECORD, { accountId, posts: [good] }, person("MARKETER"))), "NOT_FOUND");
      assert.deepEqual(await sql("select count(*)::int as n from social.posts"), before);
      assert.equal((await accountRow(accountId)).last_synced_at, null);
    });
  });

  describe("accountAnalytics", () => {
    const owner = person("MARKETER");
    let accountId: string;
    before(async () => {
      accountId = await connectedAccount(owner);
      // Now is 2026-06-15 12:00 UTC: the last 7 days are 06-09 … 06-15.
      await ok(
        RECORD,
        {
          accountId,
          followersCount: 842,
          posts: [
            metrics("A", "2026-06-15T09:00:00Z", { likes: 10, reach: 100, impressions: 150 }), // 10
            metrics("B", "2026-06-13T18:00:00Z", { likes: 30, comments: 10, reach: 200, impressions: 260 }), // 20
            metrics("C", "2026-06-13T09:30:00Z", { likes: 5, reach: 100, impressions: 120 }), // 5
            metrics("D", "2026-06-10T18:45:00Z", { likes: 3, shares: 1 }), // reach 0: 0
            metrics("G", "2026-06-12T18:10:00Z", { reach: 50, impressions: 55 }), // 0
            metrics("E", "2026-06-01T09:00:00Z", { likes: 90, reach: 100, impressions: 100 }), // 90, outside the 7 days
          ],
        },
        owner,
      );
    });

    it("gives every day of the window oldest first (zero-filled), the window's totals, top posts and best hour", async () => {
      const { accountAnalytics: week } = await ok(ANALYTICS, { accountId, days: 7 }, owner);
      const zero = (date: string) => ({ date, posts: 0, interactions: 0, reach: 0, impressions: 0, engagementRate: 0 });
      assert.deepEqual(week.daily, [
        zero("2026-06-09"),
        { date: "2026-06-10", posts: 1, interactions: 4, reach: 0, impressions: 0, engagementRate: 0 },
        zero("2026-06-11"),
        { date: "2026-06-12", posts: 1, interactions: 0, reach: 50, impressions: 55, engagementRate: 0 },
        { date: "2026-06-13", posts: 2, interactions: 45, reach: 300, impressions: 380, engagementRate: 15 }, // 45 / 300
        zero("2026-06-14"),
        { date: "2026-06-15", posts: 1, interactions: 10, reach: 100, impressions: 150, engagementRate: 10 },
      ]);
      assert.equal(week.days, 7);
      assert.equal(week.followers, 842);
      assert.equal(week.totalReach, 450); // 100 + 200 + 100 + 0 + 50
      assert.equal(week.engagementRate, 13.11); // 59 / 450 × 100 = 13.111…
      // By engagement, then reach: G (0, reach 50) before D (0, reach 0).
      assert.deepEqual(
        week.topPosts.map((post: { externalId: string }) => post.externalId),
        ["B", "A", "C", "G", "D"],
      );
      // 09:00 holds A and C (mean 7.5), 18:00 B, D and G (mean 6.67): the best post's hour is not the best hour.
      assert.equal(week.bestPostingHour, 9);
    });

    it("defaults to 30 days, keeps five top posts, and reaches back a year", async () => {
      const { accountAnalytics: month } = await ok(ANALYTICS, { accountId }, owner);
      assert.equal(month.days, 30);
      assert.equal(month.daily.length, 30);
      assert.deepEqual([month.daily[0].date, month.daily[29].date], ["2026-05-17", "2026-06-15"]);
      assert.deepEqual(
        month.topPosts.map((post: { externalId: string; engagementRate: number }) => [post.externalId, post.engagementRate]),
        [
          ["E", 90],
          ["B", 20],
          ["A", 10],
          ["C", 5],
          ["G", 0],
        ],
      );
      assert.equal(month.totalReach, 550);
      assert.equal(month.engagementRate, 27.09); // 149 / 550 × 100 = 27.0909…
      // With E (90) at 09:00: mean (10 + 5 + 90) / 3 = 35.
      assert.equal(month.bestPostingHour, 9);

      const { accountAnalytics: year } = await ok(ANALYTICS, { accountId, days: 365 }, owner);
      assert.equal(year.daily.length, 365);
      assert.deepEqual([year.daily[0].date, year.daily[364].date], ["2025-06-16", "2026-06-15"]);

      const { accountAnalytics: today } = await ok(ANALYTICS, { accountId, days: 1 }, owner);
      assert.deepEqual(
        today.daily.map((day: { date: string }) => day.date),
        ["2026-06-15"],
      );
      assert.deepEqual([today.bestPostingHour, today.topPosts.length], [9, 1]);
    });

    it("counts UTC days for top posts and the best hour whatever the database session's time zone", async () => {
      // In Honolulu (UTC-10) 2026-06-15 begins at 10:00 UTC: A, at 09:00 UTC, is still the UTC day's.
      const inHonolulu = await service.orm.em.fork().transactional(async (tx) => {
        await tx.execute("set local timezone = 'Pacific/Honolulu'");
        return accountAnalytics(tx, accountId, 1, NOW);
      });
      assert.deepEqual([inHonolulu.topPostIds.length, inHonolulu.bestPostingHour], [1, 9]);
    });

    it("has no best hour nor top posts for an account without posts", async () => {
      const empty = await connectedAccount(owner);
      const { accountAnalytics: none } = await ok(ANALYTICS, { accountId: empty, days: 3 }, owner);
      assert.deepEqual({ ...none, daily: none.daily.length }, { days: 3, followers: 0, engagementRate: 0, totalReach: 0, bestPostingHour: null, daily: 3, topPosts: [] });
    });

    it("refuses days outside 1 to 365, and someone else's account as not found (an admin may read it)", async () => {
      for (const days of [0, -1, 366]) assert.equal(code(await call(ANALYTICS, { accountId, days }, owner)), "BAD_USER_INPUT", String(days));
      assert.equal(code(await call(ANALYTICS, { accountId }, person("MARKETER"))), "NOT_FOUND");
      assert.equal(code(await call(ANALYTICS, { accountId: randomUUID() }, owner)), "NOT_FOUND");
      assert.equal((await ok(ANALYTICS, { accountId, days: 7 }, person("ADMIN"))).accountAnalytics.totalReach, 450);
    });
  });

  describe("schedulePost", () => {
    const SCHEDULE = "mutation ($input: SchedulePostInput!) { schedulePost(input: $input) { id status } }";
    it("refuses a post less than a minute ahead before asking content, and is unavailable while content cannot be asked", async () => {
      const owner = person("MARKETER");
      const accountId = await connectedAccount(owner);
      const input = {
        accountId,
        caption: "Launch day #solo",
        hashtags: ["clat"],
        mediaAssetId: randomUUID(),
        scheduledFor: new Date(NOW.getTime() + 59_000).toISOString(),
      };
      assert.equal(code(await call(SCHEDULE, { input }, owner)), "BAD_USER_INPUT");
      const unavailable = await call(SCHEDULE, { input: { ...input, scheduledFor: new Date(NOW.getTime() + 3_600_000).toISOString() } }, owner);
      assert.equal(code(unavailable), "SERVICE_UNAVAILABLE");
      assert.deepEqual(await sql("select count(*)::int as n from social.scheduled_posts where account_id = ?", [accountId]), [{ n: 0 }]);
    });
  });

  it("has applied its migrations, and its entities need no further ones", async () => {
    assert.deepEqual(await service.orm.migrator.getPending(), []);
    const diff = await service.orm.schema.getUpdateSchemaSQL({ wrap: false, schema: subgraph.schema });
    assert.equal(diff.trim(), "", `entities and migrations disagree; run npm run migration:create -- social:\n${diff}`);
  });
});

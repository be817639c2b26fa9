import "reflect-metadata";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import path from "node:path";
import { subgraphEntry } from "@solo/kit";
import { createTestDatabase } from "@solo/kit/dist/src/testing";
import { Client } from "pg";
import { seed } from "../src/seed";

/** The sizes the demo's parts declare (each subgraph's src/demo.ts). */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- each subgraph's built demo module, found through rover.yaml
const demoOf = (subgraph: string) => require(path.join(subgraphEntry(subgraph).dir, "dist", "src", "demo.js"));
const DEMO = {
  students: demoOf("users").DEMO_PEOPLE.students as number,
  marketer: demoOf("users").DEMO_PEOPLE.marketer as string,
  questions: demoOf("assessments").DEMO_TEST.questions as number,
  social: demoOf("social").DEMO_SOCIAL as { accounts: { handle: string }[]; days: number; scheduledPerAccount: number },
};

describe("npm run seed", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: Client;
  before(async () => {
    database = await createTestDatabase("seed");
    db = new Client({ connectionString: database.url });
  });
  after(async () => {
    await db.end();
    await database.drop();
  });

  it("fills an empty database with a realistic demo, once", async () => {
    const lines: string[] = [];
    assert.equal(await seed(database.url, (line) => lines.push(line)), true);
    await db.connect();
    const one = async (sql: string) => (await db.query(sql)).rows[0];
    assert.deepEqual(await one("select count(*)::int as n from users.users where role = 'STUDENT'"), { n: DEMO.students });
    assert.deepEqual(await one("select count(*)::int as n from users.users where role = 'INSTRUCTOR'"), { n: 1 });
    assert.deepEqual(await one("select status, count(*)::int as lessons from content.courses c join content.lessons l on l.course_id = c.id group by status"), {
      status: "PUBLISHED",
      lessons: 12,
    });
    assert.ok((await one("select count(*)::int as n from content.reading_materials")).n >= 5);
    assert.ok((await one("select count(*)::int as n from content.flashcards")).n >= 10);
    assert.deepEqual(await one("select count(*)::int as n from assessments.questions"), { n: DEMO.questions });
    const scores = await one(
      "select count(*)::int as n, count(distinct user_id)::int as people, avg(score)::float as mean, stddev(score)::float as sd, min(score)::float as low, max(score)::float as high from assessments.attempts where status = 'SUBMITTED'",
    );
    assert.equal(scores.n, DEMO.students);
    assert.equal(scores.people, DEMO.students);
    // Each student's one attempt is their first submitted: ranked, so the leaderboard has everyone.
    assert.deepEqual(await one("select count(*)::int as n from assessments.attempts where ranked"), { n: DEMO.students });
    // A realistic spread: a middling mean, a wide deviation, nobody at the extremes of 120.
    assert.ok(scores.mean > 30 && scores.mean < 90, `mean ${scores.mean}`);
    assert.ok(scores.sd > 8, `sd ${scores.sd}`);
    assert.ok(scores.low > -30 && scores.high < 120, `${scores.low}..${scores.high}`);
    // Stored scores agree with the answers stored beside them.
    const mismatch = await one(`
      select count(*)::int as n from assessments.attempts a join lateral (
        select coalesce(sum(case when ans.choice = q.correct_option then q.marks else -0.25 * q.marks end), 0) as recomputed
          from assessments.answers ans join assessments.questions q on q.id = ans.question_id where ans.attempt_id = a.id
      ) r on true where abs(r.recomputed - a.score) > 1e-9`);
    assert.deepEqual(mismatch, { n: 0 });
    assert.match(lines.join("\n"), /200 students/);

    // The marketer's Instagram accounts: a year of daily posts each, rollups equal to their posts,
    // counts on the account, tokens sealed, and scheduled posts ahead (one promoting the course).
    const accounts = (
      await db.query(
        `select a.handle, a.posts_count, a.followers_count, a.token_sealed, u.email, u.role from social.accounts a join users.users u on u.id = a.owner_id order by a.handle`,
      )
    ).rows;
    assert.deepEqual(
      accounts.map((account) => [account.handle, account.email, account.role, account.posts_count]),
      DEMO.social.accounts.map((account) => [account.handle, DEMO.marketer, "MARKETER", DEMO.social.days]).sort(),
    );
    for (const account of accounts) {
      assert.ok(account.followers_count > 0);
      assert.match(account.token_sealed, /^v1:/);
      assert.ok(!account.token_sealed.includes(account.handle), "no plaintext token");
    }
    const posts = await one(
      `select count(*)::int as n, count(distinct (account_id, (published_at at time zone 'UTC')::date))::int as days, max(published_at) < now() as past,
              count(distinct extract(hour from published_at at time zone 'UTC'))::int as hours, min(engagement_rate) > 0 as engaged from social.posts`,
    );
    assert.deepEqual(posts, {
      n: DEMO.social.accounts.length * DEMO.social.days,
      days: DEMO.social.accounts.length * DEMO.social.days,
      past: true,
      hours: 5,
      engaged: true,
    });
    assert.deepEqual(
      await one(`select count(*)::int as n from social.daily_engagement e full join (
                   select account_id, (published_at at time zone 'UTC')::date as day, count(*) as posts, sum(likes + comments + saves + shares) as interactions, sum(reach) as reach
                     from social.posts group by 1, 2) p on p.account_id = e.account_id and p.day = e.day
                  where e.posts is distinct from p.posts or e.interactions is distinct from p.interactions or e.reach is distinct from p.reach`),
      { n: 0 },
    );
    assert.deepEqual(
      await one(`select count(*)::int as n, bool_and(scheduled_for > now() and next_attempt_at = scheduled_for) as ahead, count(promotes_course_id)::int as promoting
                   from social.scheduled_posts where status = 'SCHEDULED'`),
      { n: DEMO.social.accounts.length * DEMO.social.scheduledPerAccount, ahead: true, promoting: DEMO.social.accounts.length },
    );

    const everything = async () =>
      (
        await db.query(`select table_schema || '.' || table_name as t from information_schema.tables
                         where table_schema in ('users', 'content', 'assessments', 'social') and table_name <> 'mikro_orm_migrations' order by 1`)
      ).rows.map((row) => row.t);
    const counts = async () => Promise.all((await everything()).map(async (table) => `${table}:${(await one(`select count(*) from ${table}`)).count}`));
    const before = await counts();
    assert.equal(await seed(database.url, () => undefined), false, "a second run changes nothing");
    assert.deepEqual(await counts(), before);

    // A run that stopped midway is reported, not doubled.
    await db.query("delete from assessments.mock_tests");
    await assert.rejects(
      seed(database.url, () => undefined),
      /stopped midway/,
    );
  });
});

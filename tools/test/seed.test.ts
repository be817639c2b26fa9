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
  leads: demoOf("leads").DEMO_LEADS as {
    leads: number;
    weights: Record<string, number>;
    campaigns: { name: string; leads: number; walkIns: number }[];
    convertedAccountEmail: string;
  },
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

    // The marketer's leads: every one scored by the formula over the current weights, with its
    // history ending at that score, spread over the pipeline, and findable by words.
    const marketerId = (await one(`select id from users.users where email = '${DEMO.marketer}'`)).id as string;
    assert.deepEqual(await one(`select count(*)::int as n, count(distinct owner_id)::int as owners, bool_and(owner_id = '${marketerId}') as theirs from leads.leads`), {
      n: DEMO.leads.leads,
      owners: 1,
      theirs: true,
    });
    const weights = (await db.query("select signal, weight from leads.scoring_weights")).rows;
    assert.deepEqual(Object.fromEntries(weights.map((row) => [row.signal, row.weight])), DEMO.leads.weights);
    const sample = (
      await db.query(`select l.id, l.score, coalesce(jsonb_object_agg(s.name, s.value) filter (where s.name is not null), '{}') as signals,
                             (select h.score from leads.score_changes h where h.lead_id = l.id order by h.at desc limit 1) as last_change
                        from leads.leads l left join leads.lead_signals s on s.lead_id = l.id
                       group by l.id order by md5(l.id::text) limit 200`)
    ).rows;
    // In exact arithmetic (whole weights, signals in hundredths), so a score ending in .5 rounds up
    // as the formula says, not as floating point happens to land: 100 × Σ w·s ÷ Σ w = Σ w·(100 s) ÷ Σ w.
    const total = Object.values(DEMO.leads.weights).reduce((sum, weight) => sum + weight, 0);
    assert.ok(Object.values(DEMO.leads.weights).every(Number.isInteger));
    for (const lead of sample) {
      const hundredths = Object.values(lead.signals as Record<string, number>).map((value) => value * 100);
      assert.ok(
        hundredths.every((value) => Math.abs(value - Math.round(value)) < 1e-9),
        `signals in hundredths: ${JSON.stringify(lead.signals)}`,
      );
      const weighted = Object.entries(DEMO.leads.weights).reduce((sum, [signal, weight]) => sum + weight * Math.round(100 * (lead.signals[signal] ?? 0)), 0);
      assert.equal(lead.score, Math.floor((2 * weighted + total) / (2 * total)), `lead ${lead.id}: ${JSON.stringify(lead.signals)}`);
      assert.equal(lead.last_change, lead.score, "the history ends at the score");
    }
    assert.ok(new Set(sample.map((lead) => lead.score)).size > 30, "scores spread out");
    assert.ok(
      sample.some((lead) => !("grants" in lead.signals)),
      "some leads lack a signal (it counts 0)",
    );
    const statuses = (await db.query("select status, count(*)::int as n from leads.leads group by status order by status")).rows;
    assert.deepEqual(
      statuses.map((row) => row.status),
      ["CONTACTED", "CONVERTED", "LOST", "NEW", "QUALIFIED"],
    );
    for (const { status, n } of statuses) assert.ok(n >= 50, `${n} ${status}`);
    assert.deepEqual(await one("select count(*)::int as n from leads.leads where updated_at > now() or updated_at < created_at"), { n: 0 });
    // The search column holds what the entity writes: name (A), company (B), title, location and email (C).
    assert.deepEqual(
      await one(`select count(*)::int as n from leads.leads where search_vector is distinct from (
                   setweight(to_tsvector('simple', name), 'A') || setweight(to_tsvector('simple', coalesce(company, '')), 'B')
                   || setweight(to_tsvector('simple', concat_ws(' ', title, location, email)), 'C'))`),
      { n: 0 },
    );
    const found = async (words: string) =>
      (await db.query("select count(*)::int as n from leads.leads where search_vector @@ websearch_to_tsquery('simple', $1)", [words])).rows[0].n as number;
    const atLexPrep = (await one("select count(*)::int as n from leads.leads where company = 'LexPrep Academy'")).n;
    assert.ok(atLexPrep > 0);
    assert.equal(await found("lexprep"), atLexPrep, "by company");
    assert.equal(await found(`"Leela Rao" ${DEMO.leads.convertedAccountEmail}`), 1, "by name and email");

    // The campaigns' funnels narrow stage by stage; each converted lead signed up once, through its
    // campaign, and the other signups match no lead.
    for (const campaign of DEMO.leads.campaigns) {
      const funnel = await one(`
        select count(*)::int as leads,
               count(*) filter (where l.status in ('CONTACTED', 'QUALIFIED', 'CONVERTED'))::int as contacted,
               count(*) filter (where l.status in ('QUALIFIED', 'CONVERTED'))::int as qualified,
               count(*) filter (where l.status = 'CONVERTED')::int as converted,
               (select count(*)::int from leads.signups s where s.campaign_id = c.id) as signups,
               (select count(*)::int from leads.signups s join leads.leads sl on sl.id = s.lead_id
                 where s.campaign_id = c.id and sl.status = 'CONVERTED' and sl.campaign_id = c.id and lower(sl.email) = lower(s.email)) as signed_leads,
               (select count(distinct s.lead_id)::int from leads.signups s where s.campaign_id = c.id) as distinct_leads
          from leads.campaigns c join leads.leads l on l.campaign_id = c.id where c.name = '${campaign.name.replace(/'/g, "''")}' group by c.id`);
      assert.equal(funnel.leads, campaign.leads, campaign.name);
      assert.ok(
        funnel.leads > funnel.contacted && funnel.contacted > funnel.qualified && funnel.qualified > funnel.converted && funnel.converted > 0,
        JSON.stringify(funnel),
      );
      assert.equal(funnel.signed_leads, funnel.converted, "each converted lead signed up");
      assert.equal(funnel.distinct_leads, funnel.converted, "once");
      assert.equal(funnel.signups, funnel.converted + campaign.walkIns, JSON.stringify(funnel));
    }
    assert.deepEqual(await one("select count(*)::int as n from leads.leads where status = 'CONVERTED' and campaign_id is null"), { n: 0 });
    // One signup was someone with an account: the lead and the signup link it.
    assert.deepEqual(
      (
        await db.query(`select l.name, l.status, l.converted_user_id = u.id as lead_linked, s.user_id = u.id as signup_linked
                          from leads.leads l join users.users u on u.email = l.email join leads.signups s on s.lead_id = l.id`)
      ).rows,
      [{ name: "Leela Rao", status: "CONVERTED", lead_linked: true, signup_linked: true }],
    );
    assert.deepEqual(await one("select count(*)::int as n from leads.leads where converted_user_id is not null"), { n: 1 });
    assert.match(lines.join("\n"), new RegExp(`${DEMO.leads.leads} leads`));

    const everything = async () =>
      (
        await db.query(`select table_schema || '.' || table_name as t from information_schema.tables
                         where table_schema in ('users', 'content', 'assessments', 'social', 'leads') and table_name <> 'mikro_orm_migrations' order by 1`)
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

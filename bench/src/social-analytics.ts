import os from "node:os";
import type { Identity } from "@solo/kit";
import { IDENTITY_HEADER, envInt, loadSubgraph, openDatabase, signIdentity } from "@solo/kit";
import { createTestDatabase } from "@solo/kit/dist/src/testing";
import { startTestObjectStore } from "@solo/e2e/dist/src/object-store";
import type { Service } from "@solo/e2e/dist/src/processes";
import { freePort, startService, startSubgraphProcesses, stopService } from "@solo/e2e/dist/src/processes";
import { GraphQLClient, PASSWORD, contractOperation, uniqueEmail } from "@solo/e2e/dist/src/stack";
import { accountAnalytics } from "@solo/social/dist/src/services/analytics";
import { rebuildDailyEngagement } from "@solo/social/dist/src/services/post-metrics";
import { benchPlatformEnv } from "./platform-env";

/**
 * accountAnalytics (the contract's AccountAnalytics selection) over ACCOUNTS accounts with a post a
 * day for DAYS days each, for random accounts, 365-day and 30-day windows: REQUESTS one after
 * another, then REQUESTS again from CONCURRENCY clients at once; p50/p99 through the gateway and
 * straight to the social subgraph (with a signed identity, as the gateway calls it), each a process
 * of its own, and the ratio of the two. Prints the plans of the statements that read the posts.
 * Needs Postgres (TEST_DATABASE_URL or DATABASE_URL).
 */
const ACCOUNTS = envInt("ACCOUNTS", 50);
const DAYS = envInt("DAYS", 365);
const REQUESTS = envInt("REQUESTS", 500);
const CONCURRENCY = envInt("CONCURRENCY", 8);
const WARM_UP = envInt("WARM_UP", 100);
const WINDOWS = [365, 30];

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** One request's round trip in ms; an answer with errors, or without the window's days, stops the run. */
type Call = (accountId: string, days: number) => Promise<number>;

function caller(url: string, headers: () => Promise<Record<string, string>>): Call {
  const query = contractOperation("AccountAnalytics");
  return async (accountId, days) => {
    const sent = { "content-type": "application/json", ...(await headers()) };
    const body = JSON.stringify({ query, variables: { accountId, days }, operationName: "AccountAnalytics" });
    const started = performance.now();
    const response = await fetch(url, { method: "POST", headers: sent, body });
    const json = (await response.json()) as { data?: { accountAnalytics: { daily: unknown[] } }; errors?: unknown[] };
    const elapsed = performance.now() - started;
    if (json.errors || json.data?.accountAnalytics.daily.length !== days) throw new Error(`accountAnalytics answered ${JSON.stringify(json).slice(0, 500)}`);
    return elapsed;
  };
}

/** `count` calls for random accounts, `concurrency` at a time: their times sorted, and the wall time. */
async function run(call: Call, accountIds: string[], days: number, count: number, concurrency: number) {
  const times: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next += 1;
        times.push(await call(accountIds[Math.floor(Math.random() * accountIds.length)], days));
      }
    }),
  );
  return { times: times.sort((a, b) => a - b), seconds: (performance.now() - started) / 1000 };
}

async function main() {
  const begun = Date.now();
  process.env.TEST_DATABASE_URL ??= process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const database = await createTestDatabase("bench");
  const store = await startTestObjectStore();
  const services: Service[] = [];
  const social = loadSubgraph("social");
  const orm = await openDatabase({ schema: social.schema, entities: [...social.entities], migrationsPath: social.migrations, clientUrl: database.url });
  try {
    const subgraphs = await startSubgraphProcesses(benchPlatformEnv(database.url, store));
    services.push(...subgraphs.services);
    const socialUrl = subgraphs.env.SUBGRAPH_URL_SOCIAL!;
    const gateway = await startService("gateway", "gateway/dist/src/index.js", await freePort(), subgraphs.env);
    services.push(gateway);

    // The accounts' owner signs up through the gateway; their accounts and posts go straight into
    // the tables, and the rollups are built by the subgraph's own rebuildDailyEngagement.
    const registered = await new GraphQLClient(gateway.url).op("Register", { input: { email: uniqueEmail("bench"), password: PASSWORD, displayName: "Bench Marketer" } });
    const { accessToken, user } = registered.data.register as { accessToken: string; user: { id: string } };
    const em = orm.em.fork();
    const seeding = Date.now();
    const accounts: { id: string }[] = await em.execute(
      `insert into social.accounts (id, owner_id, platform, handle, platform_user_id, token_sealed, status, followers_count, posts_count, created_at, updated_at)
       select gen_random_uuid(), ?, 'INSTAGRAM', 'bench_' || n, (17841000000000 + n)::text, '', 'ACTIVE', 1000 + n * 250, 0, now(), now()
         from generate_series(1, ?) as n
       returning id`,
      [user.id, ACCOUNTS],
    );
    const accountIds = accounts.map((account) => account.id);
    // A post a day at a random hour (yesterday and the DAYS - 1 days before), metrics from reach.
    await em.execute(
      `insert into social.posts (id, account_id, external_id, caption, published_at, likes, comments, saves, shares, reach, impressions, engagement_rate, created_at, updated_at)
       select gen_random_uuid(), account_id, account_id || '-' || d, 'Post ' || d, published_at, likes, comments, saves, shares, reach, impressions,
              case when reach > 0 then round((likes + comments + saves + shares)::numeric * 100 / reach, 2)::float8 else 0 end, now(), now()
         from (select account_id, d, published_at, reach, (reach * (0.02 + random() * 0.05))::int as likes, (reach * random() * 0.004)::int as comments,
                      (reach * random() * 0.006)::int as saves, (reach * random() * 0.003)::int as shares, (reach * (1.1 + random() * 0.5))::int as impressions
                 from (select a.id as account_id, d,
                              (date_trunc('day', now() at time zone 'UTC') - d * interval '1 day' + floor(random() * 86400) * interval '1 second') at time zone 'UTC' as published_at,
                              (a.followers_count * (0.1 + random() * 0.6))::int as reach
                         from social.accounts a cross join generate_series(1, ?) as d) as day_posts) as counted`,
      [DAYS],
    );
    const allDays = Array.from({ length: DAYS }, (_, d) => new Date(Date.now() - (d + 1) * 86_400_000).toISOString().slice(0, 10));
    for (const accountId of accountIds) await rebuildDailyEngagement(em, accountId, allDays);
    await em.execute(`update social.accounts a set posts_count = (select count(*) from social.posts p where p.account_id = a.id)`);
    await em.execute(`analyze social.posts`);
    await em.execute(`analyze social.daily_engagement`);
    const [{ posts }] = await em.execute<{ posts: string }[]>(`select count(*) as posts from social.posts`);
    console.log(`seeded ${ACCOUNTS} accounts × ${DAYS} days = ${posts} posts with metrics, rollups rebuilt, in ${((Date.now() - seeding) / 1000).toFixed(1)} s`);

    // The plans of what accountAnalytics sends for the posts, each statement as the service sends it.
    const statements: string[] = [];
    const logger = orm.config.getLogger();
    const logQuery = logger.logQuery.bind(logger);
    logger.logQuery = (context) => {
      // The statement with its parameters in place, as Postgres receives it (MikroORM inlines them).
      statements.push(String((context as { formatted?: string }).formatted ?? context.query));
      logQuery(context);
    };
    for (const days of WINDOWS) {
      statements.length = 0;
      await accountAnalytics(orm.em.fork(), accountIds[0], days, new Date());
      for (const statement of statements.filter((sql) => /from social\.posts/.test(sql))) {
        const plan = await em.execute<{ "QUERY PLAN": string }[]>(`explain (analyze, costs off, timing off, summary off) ${statement}`);
        console.log(`\nEXPLAIN ANALYZE (days: ${days}) ${statement.replace(/\s+/g, " ").slice(0, 90)}…`);
        for (const row of plan) console.log(`  ${row["QUERY PLAN"]}`);
      }
    }
    logger.logQuery = logQuery;

    const identity: Identity = { kind: "user", userId: user.id, role: "STUDENT", sessionId: crypto.randomUUID() };
    const paths: [Call, Call] = [
      caller(gateway.url, async () => ({ authorization: `Bearer ${accessToken}` })),
      // Signed per request, as the gateway does (its 60-second lifetime would lapse in a long run).
      caller(socialUrl, async () => ({ [IDENTITY_HEADER]: await signIdentity(identity) })),
    ];
    for (const call of paths) for (const days of WINDOWS) await run(call, accountIds, days, WARM_UP, 4);

    console.log(`\naccountAnalytics, ${REQUESTS} requests per cell for random accounts of ${ACCOUNTS}: p50 / p99 ms (requests/s); ${os.cpus().length} CPUs`);
    console.log(`${"window".padEnd(8)}${"mode".padEnd(15)}${"gateway".padEnd(26)}${"direct".padEnd(26)}gateway/direct (p50, p99)`);
    for (const days of WINDOWS) {
      for (const [mode, concurrency] of [
        ["sequential", 1],
        [`${CONCURRENCY} concurrent`, CONCURRENCY],
      ] as const) {
        const g = await run(paths[0], accountIds, days, REQUESTS, concurrency);
        const s = await run(paths[1], accountIds, days, REQUESTS, concurrency);
        const cell = (r: typeof g) => `${percentile(r.times, 50).toFixed(1)} / ${percentile(r.times, 99).toFixed(1)} (${Math.round(REQUESTS / r.seconds)}/s)`.padEnd(26);
        const ratio = `${(percentile(g.times, 50) / percentile(s.times, 50)).toFixed(2)}, ${(percentile(g.times, 99) / percentile(s.times, 99)).toFixed(2)}`;
        console.log(`${String(days).padEnd(8)}${mode.padEnd(15)}${cell(g)}${cell(s)}${ratio}`);
      }
    }
    console.log(`\ntotal ${((Date.now() - begun) / 1000).toFixed(1)} s`);
  } finally {
    for (const service of services.reverse()) await stopService(service);
    await orm.close();
    await store.close();
    await database.drop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);

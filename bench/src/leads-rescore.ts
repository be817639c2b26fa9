import os from "node:os";
import { envInt, loadSubgraph, openDatabase } from "@solo/kit";
import { createTestDatabase } from "@solo/kit/dist/src/testing";
import { startTestObjectStore } from "@solo/e2e/dist/src/object-store";
import type { Service } from "@solo/e2e/dist/src/processes";
import { freePort, startService, startSubgraphProcesses, stopService } from "@solo/e2e/dist/src/processes";
import { GraphQLClient, PASSWORD, uniqueEmail } from "@solo/e2e/dist/src/stack";
import { createLoaders, rankIn } from "@solo/leads/dist/src/loaders";
import type { Weight } from "@solo/leads/dist/src/services/scoring";
import { leadScore, rescoreOwner } from "@solo/leads/dist/src/services/scoring";
import { leadSearchSql } from "@solo/leads/dist/src/entities/lead";
import { benchPlatformEnv } from "./platform-env";

/**
 * rescoreLeads over LEADS leads of one owner, each with up to four signals (seeded in SQL): timed
 * through the gateway (the contract's RescoreLeads) and with rescoreOwner straight on the database,
 * ROUNDS times each, alternating, each run after new weights, so every run rewrites the scores and
 * their history. Then checks every
 * lead: its score is leadScore's, and its rank from the per-owner score counts (what `rank`
 * resolves with) is `rank() over (order by score desc)`, ties included. Needs Postgres
 * (TEST_DATABASE_URL or DATABASE_URL).
 */
const LEADS = envInt("LEADS", 100_000);
/** Runs through the gateway, and as many direct, alternating. */
const ROUNDS = envInt("ROUNDS", 2);
const SIGNALS = ["publications", "grants", "seniority", "engagement"];

// The search column as the Lead entity's FullTextType("simple") writes it (see leadSearchText).
/** The search column as the entity writes it (search.test.ts checks they agree). */
const SEARCH_VECTOR_SQL = leadSearchSql();

async function main() {
  const begun = Date.now();
  process.env.TEST_DATABASE_URL ??= process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const database = await createTestDatabase("bench");
  const store = await startTestObjectStore();
  const services: Service[] = [];
  const leads = loadSubgraph("leads");
  const orm = await openDatabase({ schema: leads.schema, entities: [...leads.entities], migrationsPath: leads.migrations, clientUrl: database.url });
  try {
    const subgraphs = await startSubgraphProcesses(benchPlatformEnv(database.url, store));
    services.push(...subgraphs.services);
    const gateway = await startService("gateway", "gateway/dist/src/index.js", await freePort(), subgraphs.env);
    services.push(gateway);

    // A marketer signs up through the gateway (the role set in SQL: the gateway reads it per request).
    const registered = await new GraphQLClient(gateway.url).op("Register", { input: { email: uniqueEmail("bench"), password: PASSWORD, displayName: "Bench Marketer" } });
    const { accessToken, user } = registered.data.register as { accessToken: string; user: { id: string } };
    const em = orm.em.fork();
    await em.execute(`update users.users set role = 'MARKETER' where id = ?`, [user.id]);
    const client = new GraphQLClient(gateway.url, { token: accessToken });
    const op = async (name: string, variables: Record<string, unknown> = {}) => {
      const response = await client.op(name, variables);
      if (response.errors) throw new Error(`${name}: ${JSON.stringify(response.errors)}`);
      return response.data;
    };

    const seeding = Date.now();
    await em.execute(
      `insert into leads.leads (id, owner_id, name, email, company, status, score, created_at, updated_at, search_vector)
       select gen_random_uuid(), ?, name, email, company, 'NEW', 0, now(), now(), ${SEARCH_VECTOR_SQL}
         from (select 'Lead ' || n as name, 'lead' || n || '@example.test' as email, 'Company ' || (n % 500) as company, null::text as title, null::text as location
                 from generate_series(1, ?) as n) as generated`,
      [user.id, LEADS],
    );
    // Signals in thousandths (many exact halves once weighted), one in ten missing.
    await em.execute(
      `insert into leads.lead_signals (lead_id, name, value)
       select l.id, s.name, floor(random() * 1001) / 1000 from leads.leads l cross join unnest(array[?]::text[]) as s(name)
        where l.owner_id = ? and random() < 0.9`,
      [SIGNALS, user.id],
    );
    await em.execute(`analyze leads.leads`);
    await em.execute(`analyze leads.lead_signals`);
    const [{ signals }] = await em.execute<{ signals: string }[]>(`select count(*) as signals from leads.lead_signals`);
    console.log(`seeded ${LEADS} leads with ${signals} signals in ${((Date.now() - seeding) / 1000).toFixed(1)} s`);

    // Alternately through the gateway and direct, each run after new weights (so it rewrites the
    // scores): the same work each time, caches as warm for both.
    const history = async () => Number((await em.execute<{ n: string }[]>(`select count(*) as n from leads.score_changes`))[0].n);
    const runs: { how: "gateway" | "direct"; seconds: number; scored: number; changed: number }[] = [];
    let weights: Weight[] = [];
    for (let round = 0; round < ROUNDS * 2; round++) {
      weights = SIGNALS.map((signal, i) => ({ signal, weight: 1 + ((i + round) % SIGNALS.length) * (round + 1) }));
      await op("SetScoringWeights", { weights });
      const how = round % 2 ? "direct" : "gateway";
      // Each run leaves a dead version of every lead: vacuumed first, as autovacuum would between
      // rescores, so each run starts from the same table (without it each run is slower than the last).
      await em.execute(`vacuum analyze leads.leads, leads.score_changes`);
      const before = await history();
      const started = performance.now();
      const scored = how === "gateway" ? (await op("RescoreLeads")).rescoreLeads.scored : (await rescoreOwner(orm.em.fork(), user.id, new Date())).scored;
      const seconds = (performance.now() - started) / 1000;
      runs.push({ how, seconds, scored, changed: (await history()) - before });
    }

    console.log(`\nrescoring ${LEADS} leads of one owner, in batches of 5,000 (each run after new weights and a vacuum); ${os.cpus().length} CPUs`);
    for (const run of runs) {
      if (run.scored !== LEADS) throw new Error(`${run.how} scored ${run.scored} of ${LEADS}`);
      console.log(`${run.how.padEnd(9)}${run.seconds.toFixed(2)} s, ${Math.round(run.scored / run.seconds)} leads/s, ${run.changed} scores changed`);
    }
    const total = (how: string) => runs.filter((run) => run.how === how).reduce((sum, run) => sum + run.seconds, 0);
    console.log(`gateway/direct ${(total("gateway") / total("direct")).toFixed(2)} (total time of ${ROUNDS} runs each)`);

    // Every score is leadScore's on the same data.
    const rows = await em.execute<{ id: string; score: number; rank: string }[]>(
      `select id, score, rank() over (order by score desc) as rank from leads.leads where owner_id = ?`,
      [user.id],
    );
    const signalRows = await em.execute<{ lead_id: string; name: string; value: number }[]>(
      `select s.lead_id, s.name, s.value from leads.lead_signals s join leads.leads l on l.id = s.lead_id where l.owner_id = ?`,
      [user.id],
    );
    const signalsOf = new Map<string, Record<string, number>>();
    for (const row of signalRows) signalsOf.set(row.lead_id, { ...signalsOf.get(row.lead_id), [row.name]: row.value });
    const wrongScores = rows.filter((row) => row.score !== leadScore(weights, signalsOf.get(row.id) ?? {}));
    // Every rank, as `rank` resolves it (the loader's score counts), is the window function's.
    const counts = await createLoaders(orm.em.fork()).scoreCountsByOwner.load(user.id);
    const wrongRanks = rows.filter((row) => rankIn(counts, row.score) !== Number(row.rank));
    console.log(
      `\nchecked ${rows.length} leads (${counts.size} distinct scores, so ties everywhere): ${wrongScores.length} scores differ from leadScore, ${wrongRanks.length} ranks differ from rank() over (order by score desc)`,
    );
    if (rows.length !== LEADS || wrongScores.length || wrongRanks.length) {
      throw new Error(`wrong: ${JSON.stringify({ scores: wrongScores.slice(0, 5), ranks: wrongRanks.slice(0, 5) })}`);
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

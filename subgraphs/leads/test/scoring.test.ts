import "reflect-metadata";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { EntityManager } from "@mikro-orm/postgresql";
import type { RunningSubgraph } from "@solo/kit";
import { runSubgraph } from "@solo/kit";
import { createTestDatabase } from "@solo/kit/dist/src/testing";
import { rankIn } from "../src/loaders";
import { conversionRate } from "../src/services/funnel";
import type { Weight } from "../src/services/scoring";
import { leadScore, rescoreOwner, scoreLeads } from "../src/services/scoring";
import subgraph from "../src/subgraph";

/** Worked examples, computed by hand (the comment beside each shows the arithmetic). */
describe("leadScore: round(100 × Σ wᵢ·sᵢ ÷ Σ wᵢ)", () => {
  const weights = (entries: Record<string, number>): Weight[] => Object.entries(entries).map(([signal, weight]) => ({ signal, weight }));

  it("weighs each signal by its weight", () => {
    assert.equal(leadScore(weights({ publications: 3, grants: 1 }), { publications: 0.5, grants: 1 }), 63); // 100 × (1.5 + 1) ÷ 4 = 62.5
    assert.equal(leadScore(weights({ publications: 2, grants: 1, seniority: 1 }), { publications: 0.2, grants: 0.9, seniority: 0.3 }), 40); // 100 × 1.6 ÷ 4
    assert.equal(leadScore(weights({ a: 1 }), { a: 1 }), 100);
    assert.equal(leadScore(weights({ a: 1, b: 1 }), { a: 0, b: 0 }), 0);
    assert.equal(leadScore(weights({ a: 1, b: 2 }), { a: 0.3 }), 10); // 100 × 0.3 ÷ 3
  });

  it("counts a signal the lead lacks as 0, and ignores signals nobody weighs", () => {
    assert.equal(leadScore(weights({ a: 1, b: 1 }), { a: 1 }), 50);
    assert.equal(leadScore(weights({ a: 1, b: 3 }), { a: 1, unweighted: 1 }), 25);
    assert.equal(leadScore(weights({ a: 1 }), {}), 0);
  });

  it("is 0 without weights, or with weights that sum to 0", () => {
    assert.equal(leadScore([], { a: 1 }), 0);
    assert.equal(leadScore(weights({ a: 0, b: 0 }), { a: 1, b: 1 }), 0);
  });

  it("rounds half-way up, where the exact value is half-way and not only where the float says so", () => {
    assert.equal(leadScore(weights({ a: 1 }), { a: 0.005 }), 1); // 0.5
    assert.equal(leadScore(weights({ a: 1 }), { a: 0.125 }), 13); // 12.5
    assert.equal(leadScore(weights({ a: 1, b: 1 }), { a: 0.25, b: 0 }), 13); // 12.5
    assert.equal(leadScore(weights({ a: 1 }), { a: 0.145 }), 15); // 14.5 (the float is 14.499999999999998)
    assert.equal(leadScore(weights({ a: 1, b: 1 }), { a: 0.145, b: 0.145 }), 15); // 100 × 0.29 ÷ 2 = 14.5
    assert.equal(leadScore(weights({ a: 3, b: 1 }), { a: 0.5, b: 0.5 }), 50);
    assert.equal(leadScore(weights({ a: 1 }), { a: 0.144 }), 14); // 14.4
    assert.equal(leadScore(weights({ a: 1 }), { a: 0.1449 }), 14); // 14.49
  });
});

describe("rankIn: 1 + how many of the owner's leads score higher", () => {
  const counts = new Map([
    [90, 2],
    [80, 1],
    [70, 3],
  ]);

  it("gives ties the same rank, and the next score the rank after all of them", () => {
    assert.equal(rankIn(counts, 90), 1); // two share first
    assert.equal(rankIn(counts, 80), 3); // after the two 90s
    assert.equal(rankIn(counts, 70), 4); // three share fourth
    assert.equal(rankIn(counts, 100), 1);
    assert.equal(rankIn(counts, 60), 7);
    assert.equal(rankIn(new Map(), 50), 1);
  });
});

describe("conversionRate: converted ÷ leads × 100, to 2 decimals", () => {
  it("rounds to hundredths, and is 0 without leads", () => {
    assert.equal(conversionRate(1, 3), 33.33);
    assert.equal(conversionRate(2, 3), 66.67);
    assert.equal(conversionRate(1, 8), 12.5);
    assert.equal(conversionRate(5, 5), 100);
    assert.equal(conversionRate(0, 7), 0);
    assert.equal(conversionRate(0, 0), 0);
  });
});

/** The SQL that scores leads (scoreLeads, rescoreOwner) against leadScore, lead by lead, on the same rows. */
describe("scoring in SQL gives leadScore's result", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let service: RunningSubgraph;
  let em: EntityManager;
  before(async () => {
    database = await createTestDatabase("leads");
    service = await runSubgraph(subgraph, { databaseUrl: database.url });
    em = service.orm.em.fork();
  });
  after(async () => {
    await service.close();
    await database.drop();
  });

  // A fixed sequence, so a failure can be replayed.
  let seed = 42;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;

  type Signals = Record<string, number>;
  async function insertLeads(ownerId: string, leads: Signals[]): Promise<string[]> {
    const ids = leads.map(() => randomUUID());
    await em.execute(
      `insert into leads.leads (id, owner_id, name, created_at, updated_at, search_vector)
       select id, ?, 'Lead', now(), now(), to_tsvector('simple', 'Lead') from unnest(array[?]::uuid[]) as id`,
      [ownerId, ids],
    );
    const rows = leads.flatMap((signals, i) => Object.entries(signals).map(([name, value]) => [ids[i], name, value] as const));
    if (rows.length)
      await em.execute(`insert into leads.lead_signals (lead_id, name, value) select * from unnest(array[?]::uuid[], array[?]::text[], array[?]::float8[])`, [
        rows.map((row) => row[0]),
        rows.map((row) => row[1]),
        rows.map((row) => row[2]),
      ]);
    return ids;
  }
  async function setWeights(ownerId: string, weights: Weight[]) {
    await em.execute(`delete from leads.scoring_weights where owner_id = ?`, [ownerId]);
    for (const { signal, weight } of weights)
      await em.execute(`insert into leads.scoring_weights (owner_id, signal, weight) values (?, ?, ?)`, [ownerId, signal, weight]);
  }
  async function storedScores(ids: string[]): Promise<number[]> {
    const rows = await em.execute<{ id: string; score: number }[]>(`select id, score from leads.leads where id = any(array[?]::uuid[])`, [ids]);
    const byId = new Map(rows.map((row) => [row.id, row.score]));
    return ids.map((id) => byId.get(id)!);
  }
  async function historyCount(ids: string[]): Promise<number> {
    const [{ n }] = await em.execute<{ n: number }[]>(`select count(*)::int as n from leads.score_changes where lead_id = any(array[?]::uuid[])`, [ids]);
    return n;
  }

  const HALVES: Signals[] = [{ a: 0.145 }, { a: 0.145, b: 0.145 }, { a: 0.005 }, { a: 0.125, b: 0.875 }, { b: 0.25 }, {}, { a: 1, b: 1, c: 1 }, { c: 0.335, a: 0.665 }];

  it("scores new leads as leadScore does, halves included, and records each first score", async () => {
    const ownerId = randomUUID();
    const weights = [
      { signal: "a", weight: 1 },
      { signal: "b", weight: 1 },
    ];
    await setWeights(ownerId, weights);
    const ids = await insertLeads(ownerId, HALVES);
    const changed = await em.transactional((tx) => scoreLeads(tx, ownerId, ids, new Date()));
    assert.equal(changed, ids.length, "every new lead's first score is recorded, 0 included");
    assert.deepEqual(
      await storedScores(ids),
      HALVES.map((signals) => leadScore(weights, signals)),
    );
    assert.equal(await historyCount(ids), ids.length);
  });

  it("rescores every lead in batches to leadScore's result, and records only the scores that changed", async () => {
    const ownerId = randomUUID();
    const other = randomUUID();
    const names = ["publications", "grants", "seniority", "engagement"];
    // Signals in thousandths: plenty of exact halves once weighted and scaled by 100.
    const leads: Signals[] = [
      ...HALVES,
      ...Array.from({ length: 200 }, () => Object.fromEntries(names.filter(() => random() < 0.8).map((name) => [name, Math.floor(random() * 1001) / 1000]))),
    ];
    const ids = await insertLeads(ownerId, leads);
    const othersIds = await insertLeads(other, [{ publications: 1 }]);

    // Without weights every score is 0.
    assert.deepEqual(await rescoreOwner(em, ownerId, new Date(), 7), { scored: leads.length, changed: leads.length });
    assert.ok((await storedScores(ids)).every((score) => score === 0));

    for (const weights of [
      [
        { signal: "publications", weight: 2 },
        { signal: "grants", weight: 1 },
        { signal: "seniority", weight: 1 },
      ],
      [
        { signal: "publications", weight: 0.5 },
        { signal: "engagement", weight: 1.5 },
        { signal: "a", weight: 1 },
        { signal: "b", weight: 3 },
        { signal: "c", weight: 0 },
      ],
      names.map((signal) => ({ signal, weight: 1 + Math.floor(random() * 9) })),
    ]) {
      await setWeights(ownerId, weights);
      const before = await storedScores(ids);
      const historyBefore = await historyCount(ids);
      const expected = leads.map((signals) => leadScore(weights, signals));
      const changes = expected.filter((score, i) => score !== before[i]).length;
      // A batch size that does not divide the count: the last batch is a short one.
      assert.deepEqual(await rescoreOwner(em, ownerId, new Date(), 7), { scored: leads.length, changed: changes });
      assert.deepEqual(await storedScores(ids), expected);
      assert.equal(await historyCount(ids), historyBefore + changes, "a row of history per changed score");
    }
    assert.deepEqual(await storedScores(othersIds), [0], "another owner's leads are not touched");
    assert.equal(await historyCount(othersIds), 0);
  });
});

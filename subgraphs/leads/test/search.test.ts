import "reflect-metadata";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { EntityManager } from "@mikro-orm/postgresql";
import type { Identity, RunningSubgraph } from "@solo/kit";
import { IDENTITY_HEADER, runSubgraph, signIdentity } from "@solo/kit";
import { createTestDatabase } from "@solo/kit/dist/src/testing";
import { listLeads } from "../src/services/lead-listing";
import subgraph from "../src/subgraph";
import { leadSearchSql } from "../src/entities/lead";

const LEADS = 100_000;
/** Every 1,000th lead works at the rare company: 100 of them. */
const RARE_EVERY = 1_000;

// The search column as the entity's FullTextType("simple") writes it from leadSearchText: name (A),
// company (B), then title, location and email joined by spaces (C).
/** The search column in SQL, the one the import and the demo use: checked below against what createLead writes. */
const SEARCH_VECTOR_SQL = leadSearchSql();

/**
 * leads(filter: {search}) on 100,000 leads of one owner: the listing's statements, as the service
 * sends them, are planned with a bitmap scan of the GIN index on search_vector, and find the right leads.
 */
describe("lead search over 100,000 leads", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let service: RunningSubgraph;
  let em: EntityManager;
  const owner: Identity = { kind: "user", userId: randomUUID(), role: "MARKETER", sessionId: randomUUID() };
  const ownerId = owner.kind === "user" ? owner.userId : "";

  before(async () => {
    database = await createTestDatabase("leads");
    service = await runSubgraph(subgraph, { databaseUrl: database.url });
    em = service.orm.em.fork();
    const started = Date.now();
    await em.execute(
      `insert into leads.leads (id, owner_id, name, email, title, company, location, status, score, created_at, updated_at, search_vector)
       select gen_random_uuid(), ?, name, email, title, company, location, 'NEW', n % 101, now() - n * interval '1 second', now(), ${SEARCH_VECTOR_SQL}
         from (select n, 'Lead ' || n as name, 'lead' || n || '@example.test' as email,
                      (array['Professor', 'Researcher', 'Dean', 'Lecturer'])[1 + n % 4] as title,
                      case when n % ${RARE_EVERY} = 0 then 'Zyxwv Labs' else (array['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli'])[1 + n % 5] || ' University' end as company,
                      (array['Berlin', 'Lagos', 'Lima', 'Osaka'])[1 + n % 4] as location
                 from generate_series(1, ?) as n) as generated`,
      [ownerId, LEADS],
    );
    // Another owner's lead at the same company: never in this owner's results.
    await em.execute(
      `insert into leads.leads (id, owner_id, name, company, created_at, updated_at, search_vector)
       select gen_random_uuid(), gen_random_uuid(), 'Someone else', 'Zyxwv Labs', now(), now(), ${SEARCH_VECTOR_SQL} from (select 'Someone else' as name, 'Zyxwv Labs' as company, null::text as title, null::text as location, null::text as email) as one`,
    );
    await em.execute(`analyze leads.leads`);
    console.log(`inserted ${LEADS} leads and analyzed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });
  after(async () => {
    await service.close();
    await database.drop();
  });

  async function call(query: string, variables: object) {
    const headers = { "content-type": "application/json", [IDENTITY_HEADER]: await signIdentity(owner) };
    const response = await fetch(service.url, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
    return (await response.json()) as { data?: any; errors?: unknown[] };
  }

  it("fills search_vector as the SQL above does (so the rows inserted here are what createLead makes)", async () => {
    const created = await call(`mutation ($input: LeadInput!) { createLead(input: $input) { id } }`, {
      input: { name: "Ada Lovelace", email: "ada@example.test", title: "Countess", company: "Analytical Engines", location: "London" },
    });
    assert.equal(created.errors, undefined, JSON.stringify(created.errors));
    const [row] = await em.execute<{ same: boolean; vector: string }[]>(
      `select search_vector = (${SEARCH_VECTOR_SQL}) as same, search_vector::text as vector from leads.leads where id = ?`,
      [created.data.createLead.id],
    );
    assert.ok(row.same, `the ORM wrote ${row.vector}`);
    await em.execute(`delete from leads.score_changes where lead_id = ?`, [created.data.createLead.id]);
    await em.execute(`delete from leads.leads where id = ?`, [created.data.createLead.id]);
  });

  it("plans the listing's search statements with a bitmap scan of leads_search_vector_index", async () => {
    const statements: string[] = [];
    const logger = service.orm.config.getLogger();
    const logQuery = logger.logQuery.bind(logger);
    logger.logQuery = (context) => {
      // The statement with its parameters in place, as Postgres receives it (MikroORM inlines them).
      statements.push(String((context as { formatted?: string }).formatted ?? context.query));
      logQuery(context);
    };
    try {
      await listLeads(service.orm.em.fork(), ownerId, { filter: { search: "zyxwv" }, first: 20 });
    } finally {
      logger.logQuery = logQuery;
    }
    const searches = statements.filter((sql) => sql.includes("search_vector @@"));
    assert.equal(searches.length, 2, `a page and a count: ${JSON.stringify(statements)}`);
    for (const statement of searches) {
      const plan = (await em.execute<{ "QUERY PLAN": string }[]>(`explain ${statement}`)).map((row) => row["QUERY PLAN"]).join("\n");
      console.log(`EXPLAIN ${statement}\n${plan}\n`);
      assert.match(plan, /Bitmap Index Scan on leads_search_vector_index/, plan);
    }
  });

  it("finds exactly the owner's leads whose words match, page after page", async () => {
    const query = `query ($filter: LeadFilter, $after: String) {
      leads(filter: $filter, first: 30, after: $after, orderBy: { field: NAME, direction: ASC }) { totalCount edges { node { name company } } pageInfo { hasNextPage endCursor } }
    }`;
    const names: string[] = [];
    let cursor: string | null = null;
    let totalCount = 0;
    for (;;) {
      const page: any = await call(query, { filter: { search: "Zyxwv" }, after: cursor });
      assert.equal(page.errors, undefined, JSON.stringify(page.errors));
      totalCount = page.data.leads.totalCount;
      assert.ok(page.data.leads.edges.every((edge: any) => edge.node.company === "Zyxwv Labs"));
      names.push(...page.data.leads.edges.map((edge: any) => edge.node.name));
      if (!page.data.leads.pageInfo.hasNextPage) break;
      cursor = page.data.leads.pageInfo.endCursor;
    }
    const expected = Array.from({ length: LEADS / RARE_EVERY }, (_, i) => `Lead ${(i + 1) * RARE_EVERY}`).sort();
    assert.equal(totalCount, expected.length);
    assert.deepEqual(names, expected);

    // Words of several fields at once (web-search syntax: all of them).
    // Lead 4242: Initech (1 + 4242 % 5 = 3rd company), Lima (1 + 4242 % 4 = 3rd city).
    const one = await call(query, { filter: { search: "4242 Lima" } });
    assert.deepEqual(
      one.data.leads.edges.map((edge: any) => edge.node),
      [{ name: "Lead 4242", company: "Initech University" }],
    );
    const elsewhere = await call(query, { filter: { search: "4242 Osaka" } });
    assert.equal(elsewhere.data.leads.totalCount, 0, "every word must match");
    const none = await call(query, { filter: { search: "nobody-here" } });
    assert.equal(none.data.leads.totalCount, 0);
  });
});

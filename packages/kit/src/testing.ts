import assert from "node:assert/strict";
import crypto from "node:crypto";
import { Client } from "pg";
import { signServiceToken } from "./identity";

/**
 * Each test file gets a database of its own on the server named by TEST_DATABASE_URL (set by
 * `npm test`), so nothing a test does can clobber a developer's data or another test's.
 */
export async function createTestDatabase(label = "t", options: { template?: string } = {}): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = testAdminUrl();
  const name = `solo_test_${label}_${crypto.randomBytes(4).toString("hex")}`.toLowerCase().replace(/[^a-z0-9_]/g, "_");
  // A template is copied file by file: a migrated schema in a fraction of the time its migrations take.
  await withAdmin(adminUrl, (client) => client.query(`create database "${name}"${options.template ? ` template "${options.template}"` : ""}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await withAdmin(adminUrl, (client) => client.query(`drop database if exists "${name}" with (force)`));
    },
  };
}

/** The server test databases are made on (TEST_DATABASE_URL, set by `npm test`), as its maintenance database's URL. */
export function testAdminUrl(): string {
  const adminUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!adminUrl) throw new Error("TEST_DATABASE_URL is not set: run the tests with `npm test`");
  return adminUrl;
}

export async function withAdmin<T>(adminUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A fingerprint of every row of every table in a schema (or, keyed `schema.table`, in several):
 * "the database is unchanged" means two snapshots are equal, not merely that the row counts match.
 */
export async function tableSnapshot(db: Pick<Client, "query">, schemas: string | string[]): Promise<Record<string, string>> {
  const tables = await db.query<{ table_schema: string; table_name: string }>(
    `select table_schema, table_name from information_schema.tables
      where table_schema = any($1) and table_name <> 'mikro_orm_migrations' order by 1, 2`,
    [typeof schemas === "string" ? [schemas] : schemas],
  );
  // One statement for all tables: the fuzz test takes a snapshot after every refused mutation.
  const result = await db.query<{ i: number; n: number; hash: string }>(
    tables.rows
      .map(
        ({ table_schema, table_name }, index) =>
          `select ${index} as i, count(*)::int as n, coalesce(md5(string_agg(t::text, '|' order by t::text)), '') as hash from "${table_schema}"."${table_name}" t`,
      )
      .join(" union all "),
  );
  const snapshot: Record<string, string> = {};
  for (const { i, n, hash } of result.rows) {
    const { table_schema, table_name } = tables.rows[i];
    snapshot[typeof schemas === "string" ? table_name : `${table_schema}.${table_name}`] = `${n}:${hash}`;
  }
  return snapshot;
}

/**
 * Calls a subgraph's internal routes with raw bodies, as a platform service would (with the
 * internal secret), to show what its declarations refuse.
 */
export function internalRouteProbe(serviceUrl: string, db: Pick<Client, "query">, schema: string) {
  async function post(path: string, body: string): Promise<{ status: number; body: { error?: string } & Record<string, unknown> }> {
    const response = await fetch(serviceUrl.replace("/graphql", path), {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${await signServiceToken("test")}` },
      body,
    });
    return { status: response.status, body: (await response.json()) as { error?: string } & Record<string, unknown> };
  }

  /** Each body is refused with 400 and a short message naming what is wrong, and no table changes. */
  async function refusesEach(path: string, cases: [unknown, RegExp][]): Promise<void> {
    const before = await tableSnapshot(db, schema);
    for (const [body, problem] of cases) {
      const answer = await post(path, JSON.stringify(body));
      const shown = JSON.stringify(body).slice(0, 80);
      assert.equal(answer.status, 400, `${path} ${shown}: ${JSON.stringify(answer.body)}`);
      const error = String(answer.body.error);
      assert.ok(error.startsWith(`invalid request to ${path}: `), error);
      assert.match(error, problem, shown);
      assert.ok(error.length < 1_000, "the message is short, whatever was sent");
    }
    assert.deepEqual(await tableSnapshot(db, schema), before, `${path}: a refused request changed nothing`);
  }

  return { post, refusesEach };
}

import "reflect-metadata";
import assert from "node:assert/strict";
import fs from "node:fs";
import { after, before, describe, it } from "node:test";
import { loadSubgraph, readSubgraphs } from "@solo/kit";
import { createTestDatabase } from "@solo/kit/dist/src/testing";
import { Client } from "pg";
import { migrateAll } from "../src/migrate";

describe("npm run migrate", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: Client;
  before(async () => {
    database = await createTestDatabase("migrate");
    db = new Client({ connectionString: database.url });
    await db.connect();
  });
  after(async () => {
    await db.end();
    await database.drop();
  });

  /** Every subgraph's migrations table, and every column of every table in their schemas. */
  async function state(schemas: string[]) {
    const applied: Record<string, unknown[]> = {};
    for (const schema of schemas) applied[schema] = (await db.query(`select id, name, executed_at from "${schema}".mikro_orm_migrations order by id`)).rows;
    const columns = await db.query(
      `select table_schema, table_name, column_name, data_type from information_schema.columns where table_schema = any($1) order by 1, 2, 3`,
      [schemas],
    );
    return { applied, columns: columns.rows };
  }

  it("applies every subgraph's migrations to an empty database, serving nothing; a second run changes nothing", async () => {
    const subgraphs = readSubgraphs().map((entry) => loadSubgraph(entry.dir));
    assert.equal((await db.query("select 1 from information_schema.schemata where schema_name = any($1)", [subgraphs.map((s) => s.schema)])).rowCount, 0);
    const lines: string[] = [];
    await migrateAll(database.url, (line) => lines.push(line));
    assert.equal(lines.length, subgraphs.length, lines.join("\n"));

    for (const subgraph of subgraphs) {
      const files = fs
        .readdirSync(subgraph.migrations)
        .filter((file) => /^Migration\w+\.js$/.test(file))
        .map((file) => file.replace(/\.js$/, ""))
        .sort();
      assert.ok(files.length > 0, `${subgraph.name} has migrations`);
      const applied = (await db.query(`select name from "${subgraph.schema}".mikro_orm_migrations order by name`)).rows.map((row) => row.name);
      assert.deepEqual(applied, files, `every migration of ${subgraph.name}, each once`);
    }

    const first = await state(subgraphs.map((s) => s.schema));
    await migrateAll(database.url, () => undefined);
    assert.deepEqual(await state(subgraphs.map((s) => s.schema)), first);
  });
});

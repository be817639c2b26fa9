import "reflect-metadata";
import assert from "node:assert/strict";
import fs from "node:fs";
import { after, before, describe, it } from "node:test";
import crypto from "node:crypto";
import { createLogger, jobNames, loadSubgraph, readSubgraphs, runSubgraph } from "@solo/kit";
import { startRegistry } from "@solo/registry";
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
    assert.equal(lines.length, subgraphs.length + 1, lines.join("\n"));
    assert.match(lines.at(-1) ?? "", /^registry: schema "registry" is up to date \(applied 001_initial(, \w+)*\)$/);

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

    const registryState = async () => (await db.query("select id, applied_at from registry.migrations order by id")).rows;
    const first = { subgraphs: await state(subgraphs.map((s) => s.schema)), registry: await registryState() };
    assert.ok(first.registry.length > 0);
    const again: string[] = [];
    await migrateAll(database.url, (line) => again.push(line));
    assert.deepEqual({ subgraphs: await state(subgraphs.map((s) => s.schema)), registry: await registryState() }, first);
    assert.equal(again.at(-1), 'registry: schema "registry" is up to date (nothing to apply)');
  });
});

/**
 * MIGRATE_ON_START=false (the Kubernetes manifests): a service applies no migration; it waits,
 * not listening, until `npm run migrate` has applied them all, then serves.
 */
describe("services started with MIGRATE_ON_START=false", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: Client;
  before(async () => {
    database = await createTestDatabase("migrate_gate");
    db = new Client({ connectionString: database.url });
    await db.connect();
  });
  after(async () => {
    await db.end();
    await database.drop();
  });

  const schemas = async () =>
    (
      await db.query<{ name: string }>(
        "select schema_name as name from information_schema.schemata where schema_name not like 'pg_%' and schema_name not in ('public', 'information_schema') order by 1",
      )
    ).rows.map((row) => row.name);
  const settledWithin = <T>(promise: Promise<T>, ms: number) =>
    Promise.race([promise.then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), ms))]);

  it("wait for npm run migrate, create nothing themselves, then serve", { timeout: 60_000 }, async () => {
    const [first] = readSubgraphs();
    const descriptor = loadSubgraph(first.dir);
    const logger = createLogger("test");
    const subgraph = runSubgraph(descriptor, {
      databaseUrl: database.url,
      logger,
      port: 0,
      env: { MIGRATE_ON_START: "false" },
      jobIntervalsMs: Object.fromEntries(jobNames(descriptor).map((job) => [job, 0])),
    });
    const registry = startRegistry(
      {
        port: 0,
        host: "127.0.0.1",
        databaseUrl: database.url,
        eventBusNamespace: `test-${crypto.randomUUID()}`,
        minDelaySeconds: 1,
        checkUsageDays: 30,
        migrateOnStart: false,
      },
      logger,
    );
    assert.equal(await settledWithin(Promise.all([subgraph, registry]), 3_000), false, "neither starts before the migrations are applied");
    assert.deepEqual(await schemas(), [], "and neither creates a schema or a table");

    await migrateAll(database.url, () => undefined);
    const [running, registryRunning] = await Promise.all([subgraph, registry]);
    try {
      assert.equal((await fetch(running.url.replace("/graphql", "/ready"))).status, 200);
      assert.equal((await fetch(`${registryRunning.url}/ready`)).status, 200);
    } finally {
      await running.close();
      await registryRunning.close();
    }
  });
});

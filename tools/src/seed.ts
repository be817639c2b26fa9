import "reflect-metadata";
import type { DemoLogin, DemoPart, Orm } from "@solo/kit";
import { loadSubgraph, openDatabase, readSubgraphs } from "@solo/kit";
import { Client } from "pg";
import { withDevelopmentDatabase } from "./embedded-postgres";

/**
 * The demo (`npm run seed`, or `npm start` on an empty database): each subgraph's descriptor
 * contributes its part (`demo`), written through its own entities after its migrations, in
 * rover.yaml order, each part given what the earlier ones returned (the ids it refers to).
 * Deterministic, and a no-op on a database that already has it.
 */
export async function seed(databaseUrl: string, log: (line: string) => void = console.log): Promise<boolean> {
  const parts: { name: string; demo: DemoPart; orm: Orm }[] = [];
  try {
    for (const entry of readSubgraphs()) {
      const descriptor = loadSubgraph(entry.dir);
      const orm = await openDatabase({ schema: descriptor.schema, entities: [...descriptor.entities], migrationsPath: descriptor.migrations, clientUrl: databaseUrl });
      if (descriptor.demo) parts.push({ name: descriptor.name, demo: descriptor.demo, orm });
      else await orm.close();
    }
    const loaded = await Promise.all(parts.map(({ demo, orm }) => demo.isLoaded(orm.em.fork())));
    if (loaded.every(Boolean)) {
      log("The demo data is already there.");
      return false;
    }
    // Each part is written only on a database with none of the demo: after a run that stopped
    // midway, writing again would double what it wrote.
    const present = parts.filter((_, index) => loaded[index]).map((part) => part.name);
    if (present.length) throw new Error(`An earlier seed stopped midway (the demo's ${present.join(", ")} part is there, not the rest): start from an empty database`);
    const earlier: Record<string, Record<string, unknown>> = {};
    for (const { name, demo, orm } of parts) earlier[name] = await demo.load(orm.em.fork(), earlier, log);
    return true;
  } finally {
    for (const { orm } of parts) await orm.close();
  }
}

/** The demo's logins (what the descriptors' demo parts list), if the demo is in the database. */
export async function demoLogins(databaseUrl: string): Promise<DemoLogin[]> {
  const logins: DemoLogin[] = [];
  for (const entry of readSubgraphs()) {
    const descriptor = loadSubgraph(entry.dir);
    if (!descriptor.demo?.logins?.length) continue;
    const orm = await openDatabase({ schema: descriptor.schema, entities: [...descriptor.entities], migrationsPath: descriptor.migrations, clientUrl: databaseUrl });
    try {
      if (await descriptor.demo.isLoaded(orm.em.fork())) logins.push(...descriptor.demo.logins);
    } finally {
      await orm.close();
    }
  }
  return logins;
}

/** Whether no subgraph's schema holds a row yet (apart from its migrations table). */
export async function isEmptyDatabase(databaseUrl: string): Promise<boolean> {
  const schemas = readSubgraphs().map((entry) => loadSubgraph(entry.dir).schema);
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ schema: string; name: string }>(
      `select table_schema as schema, table_name as name from information_schema.tables
        where table_schema = any($1) and table_type = 'BASE TABLE' and table_name <> 'mikro_orm_migrations'`,
      [schemas],
    );
    for (const table of rows) {
      const found = await client.query(`select 1 from "${table.schema}"."${table.name}" limit 1`);
      if (found.rowCount) return false;
    }
    return true;
  } finally {
    await client.end();
  }
}

if (require.main === module) {
  withDevelopmentDatabase((databaseUrl) => seed(databaseUrl)).then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}

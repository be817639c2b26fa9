import "reflect-metadata";
import { loadSubgraph, openDatabase, readSubgraphs } from "@solo/kit";
import { migrateRegistry } from "@solo/registry";
import { Pool } from "pg";
import { withDevelopmentDatabase } from "./embedded-postgres";

/**
 * `npm run migrate` (in a container: `node tools/dist/src/migrate.js`): applies every subgraph's
 * migrations, from rover.yaml and the descriptors, and the schema registry's, and serves nothing;
 * for deployments that migrate in a step of their own before starting (or replacing) the services,
 * which then run with MIGRATE_ON_START=false (the Kubernetes Job). Applying them again is a no-op.
 */
export async function migrateAll(databaseUrl: string, log: (line: string) => void = console.log): Promise<void> {
  for (const entry of readSubgraphs()) {
    const descriptor = loadSubgraph(entry.dir);
    // Whatever MIGRATE_ON_START says: this step is where the services' migrations are applied.
    const orm = await openDatabase({
      schema: descriptor.schema,
      entities: [...descriptor.entities],
      migrationsPath: descriptor.migrations,
      clientUrl: databaseUrl,
      migrate: true,
    });
    try {
      const executed = await orm.migrator.getExecuted();
      log(`${descriptor.name}: schema "${descriptor.schema}" is up to date (${executed.length} migrations)`);
    } finally {
      await orm.close();
    }
  }
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  try {
    const applied = await migrateRegistry(pool);
    log(`registry: schema "registry" is up to date (${applied.length ? `applied ${applied.join(", ")}` : "nothing to apply"})`);
  } finally {
    await pool.end();
  }
}

if (require.main === module) {
  withDevelopmentDatabase((databaseUrl) => migrateAll(databaseUrl)).then(
    () => process.exit(0),
    (error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}

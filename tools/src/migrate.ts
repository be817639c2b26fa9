import "reflect-metadata";
import { loadSubgraph, openDatabase, readSubgraphs } from "@solo/kit";
import { withDevelopmentDatabase } from "./embedded-postgres";

/**
 * `npm run migrate` (in a container: `node tools/dist/src/migrate.js`): applies every subgraph's
 * migrations, from rover.yaml and the descriptors, and serves nothing; for deployments that migrate
 * in a step of their own before starting (or replacing) the services. Applying them again is a no-op.
 */
export async function migrateAll(databaseUrl: string, log: (line: string) => void = console.log): Promise<void> {
  for (const entry of readSubgraphs()) {
    const descriptor = loadSubgraph(entry.dir);
    const orm = await openDatabase({ schema: descriptor.schema, entities: [...descriptor.entities], migrationsPath: descriptor.migrations, clientUrl: databaseUrl });
    try {
      const executed = await orm.migrator.getExecuted();
      log(`${descriptor.name}: schema "${descriptor.schema}" is up to date (${executed.length} migrations)`);
    } finally {
      await orm.close();
    }
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

import "reflect-metadata";
import path from "node:path";
import { MikroORM } from "@mikro-orm/core";
import { ReflectMetadataProvider } from "@mikro-orm/decorators/legacy";
import { Migrator } from "@mikro-orm/migrations";
import { PostgreSqlDriver } from "@mikro-orm/postgresql";
import { SCHEMA_GENERATOR_OPTIONS, loadSubgraph, readSubgraphs } from "@solo/kit";
import { createTestDatabase } from "@solo/kit/dist/src/testing";

/**
 * `npm run migration:create -- <subgraph> [name]`: applies the subgraph's migrations to a scratch
 * database, diffs its entities against the result, and writes the difference as a new migration.
 */
async function main() {
  const [name, label] = process.argv.slice(2);
  const entry = readSubgraphs().find((subgraph) => subgraph.name === name);
  if (!entry) throw new Error(`usage: npm run migration:create -- <subgraph> [name]; unknown subgraph "${name}"`);
  process.env.TEST_DATABASE_URL ??= process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const scratch = await createTestDatabase("migration");
  const descriptor = loadSubgraph(entry.dir);
  const orm = await MikroORM.init<PostgreSqlDriver>({
    driver: PostgreSqlDriver,
    clientUrl: scratch.url,
    schema: descriptor.schema,
    entities: [...descriptor.entities],
    metadataProvider: ReflectMetadataProvider,
    extensions: [Migrator],
    schemaGenerator: SCHEMA_GENERATOR_OPTIONS,
    migrations: {
      path: descriptor.migrations,
      pathTs: path.join(entry.dir, "migrations"),
      glob: "!(*.d).js",
      tableName: `${descriptor.schema}.mikro_orm_migrations`,
      snapshot: false,
      emit: "ts",
    },
  });
  try {
    await orm.em.getConnection().execute(`create schema if not exists "${descriptor.schema}"`);
    await orm.migrator.up();
    const result = await orm.migrator.create(path.join(entry.dir, "migrations"), false, false, label);
    console.log(result.diff.up.length ? `wrote migrations/${result.fileName}` : "entities match the migrations: nothing to write");
  } finally {
    await orm.close();
    await scratch.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

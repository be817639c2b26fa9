import { createHash } from "node:crypto";
import type { EntityClass } from "@mikro-orm/core";
import { MikroORM } from "@mikro-orm/core";
import { ReflectMetadataProvider } from "@mikro-orm/decorators/legacy";
import { Migrator } from "@mikro-orm/migrations";
import { PostgreSqlDriver } from "@mikro-orm/postgresql";
import { Client } from "pg";
import type { Logger } from "./logger";
import { isMissingRelation, migrationNames, waitForMigrations } from "./migration-gate";

export type Orm = MikroORM<PostgreSqlDriver>;

export interface DatabaseOptions {
  /** Postgres schema the subgraph owns; no subgraph reads another's. */
  schema: string;
  entities: EntityClass<unknown>[];
  /** Folder of compiled migrations (dist/migrations). */
  migrationsPath: string;
  clientUrl: string;
  logger?: Logger;
  poolMax?: number;
  /** False: apply no migration, wait until every one is applied (MIGRATE_ON_START=false); default true. */
  migrate?: boolean;
}

/**
 * For every ORM over a subgraph's schema (the server, the migration generator, tests): foreign keys
 * `on update cascade`, MikroORM 6's default, which the checked-in migrations were written with
 * (MikroORM 7 emits no update rule unless told).
 */
export const SCHEMA_GENERATOR_OPTIONS = { defaultUpdateRule: "cascade" } as const;

/** Connections a subgraph's pool opens at most (benchmarks size their own pools alike). */
export const POOL_MAX = 10;

/**
 * Opens the subgraph's database and applies its checked-in migrations before anything serves (or,
 * with `migrate: false`, waits until they have been applied).
 */
export async function openDatabase(options: DatabaseOptions): Promise<Orm> {
  const orm = await MikroORM.init<PostgreSqlDriver>({
    driver: PostgreSqlDriver,
    clientUrl: options.clientUrl,
    schema: options.schema,
    entities: options.entities,
    metadataProvider: ReflectMetadataProvider,
    extensions: [Migrator],
    // Handlers must fork (one EntityManager per request): the global one throws if used directly.
    allowGlobalContext: false,
    forceUtcTimezone: true,
    pool: { min: 0, max: options.poolMax ?? POOL_MAX },
    discovery: { warnWhenNoEntities: false },
    schemaGenerator: SCHEMA_GENERATOR_OPTIONS,
    migrations: {
      path: options.migrationsPath,
      glob: "!(*.d).js",
      tableName: `${options.schema}.mikro_orm_migrations`,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
    },
    logger: (message) => options.logger?.debug({ orm: true }, message),
  });
  if (options.migrate === false) {
    const connection = orm.em.getConnection();
    await waitForMigrations(
      `schema "${options.schema}"`,
      async () => {
        const executed = await connection.execute<{ name: string }[]>(`select name from "${options.schema}".mikro_orm_migrations`).catch((error: unknown) => {
          if (isMissingRelation(error)) return [];
          throw error;
        });
        const done = new Set(executed.map((row) => row.name));
        return migrationNames(options.migrationsPath).filter((name) => !done.has(name));
      },
      options.logger,
    ).catch(async (error: unknown) => {
      await orm.close();
      throw error;
    });
    return orm;
  }
  const applied = await withSchemaLock(options.clientUrl, options.schema, async () => {
    await orm.em.getConnection().execute(`create schema if not exists "${options.schema}"`);
    return orm.migrator.up();
  });
  if (applied.length) options.logger?.info({ migrations: applied.map((m) => m.name) }, "migrations applied");
  return orm;
}

/**
 * Replicas starting together on a new database would race to create the schema, the migrations
 * table and the same migrations. A session-level advisory lock keyed by the schema, on a connection
 * of its own, lets them through one at a time: the later ones find nothing left to apply. Ending
 * the session releases it, also when the process dies holding it.
 */
async function withSchemaLock<T>(clientUrl: string, schema: string, work: () => Promise<T>): Promise<T> {
  const session = new Client({ connectionString: clientUrl });
  await session.connect();
  try {
    await session.query("select pg_advisory_lock($1::bigint)", [schemaLockKey(schema)]);
    return await work();
  } finally {
    await session.end();
  }
}

/** A 64-bit advisory lock key for the schema, the same in every process. */
function schemaLockKey(schema: string): string {
  return createHash("sha256").update(`solo schema ${schema}`).digest().readBigInt64BE(0).toString();
}

/** Counts SQL statements sent by one ORM: tests use it to prove batching keeps counts constant. */
export function countQueries(orm: Orm): { readonly value: number; reset(): void } {
  let value = 0;
  // Every statement the ORM sends (transaction control included) goes through its logger's
  // logQuery, whether or not query logging is on.
  const logger = orm.config.getLogger();
  const logQuery = logger.logQuery.bind(logger);
  logger.logQuery = (context) => {
    value += 1;
    logQuery(context);
  };
  return {
    get value() {
      return value;
    },
    reset() {
      value = 0;
    },
  };
}

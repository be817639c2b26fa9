import { MikroORM, ReflectMetadataProvider, EntityClass } from "@mikro-orm/core";
import { Migrator } from "@mikro-orm/migrations";
import { PostgreSqlDriver } from "@mikro-orm/postgresql";
import type { Logger } from "./logger";

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
}

/** Opens the subgraph's database and applies its checked-in migrations before anything serves. */
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
    pool: { min: 0, max: options.poolMax ?? 10 },
    discovery: { warnWhenNoEntities: false },
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
  await orm.em.getConnection().execute(`create schema if not exists "${options.schema}"`);
  const applied = await orm.getMigrator().up();
  if (applied.length) options.logger?.info({ migrations: applied.map((m) => m.name) }, "migrations applied");
  return orm;
}

/** Counts SQL statements sent by one ORM: tests use it to prove batching keeps counts constant. */
export function countQueries(orm: Orm): { readonly value: number; reset(): void } {
  let value = 0;
  orm.em.getConnection().getKnex().on("query", () => {
    value += 1;
  });
  return {
    get value() {
      return value;
    },
    reset() {
      value = 0;
    },
  };
}

import "reflect-metadata";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { MikroORM } from "@mikro-orm/core";
import { ReflectMetadataProvider } from "@mikro-orm/decorators/legacy";
import { Migrator } from "@mikro-orm/migrations";
import { PostgreSqlDriver } from "@mikro-orm/postgresql";
import { SCHEMA_GENERATOR_OPTIONS } from "@solo/kit";
import { createTestDatabase } from "@solo/kit/dist/src/testing";
import { entities } from "../src/entities";
import assessments from "../src/subgraph";

const { schema: SCHEMA, migrations: MIGRATIONS_PATH } = assessments;

const BEFORE_RANKED = "Migration20261122025717_initial";

/** A database as it was before ranked attempts, with attempts on it, then migrated the rest of the way. */
describe("assessments migrations", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let orm: MikroORM<PostgreSqlDriver>;
  const sql = (query: string, params: unknown[] = []) => orm.em.getConnection().execute<Record<string, any>[]>(query, params);

  before(async () => {
    database = await createTestDatabase("assessments_migrations");
    orm = await MikroORM.init<PostgreSqlDriver>({
      driver: PostgreSqlDriver,
      clientUrl: database.url,
      schema: SCHEMA,
      entities,
      metadataProvider: ReflectMetadataProvider,
      extensions: [Migrator],
      allowGlobalContext: true,
      schemaGenerator: SCHEMA_GENERATOR_OPTIONS,
      migrations: { path: MIGRATIONS_PATH, glob: "!(*.d).js", tableName: `${SCHEMA}.mikro_orm_migrations`, snapshot: false },
      logger: () => undefined,
    });
    await sql(`create schema if not exists "${SCHEMA}"`);
  });
  after(async () => {
    await orm.close();
    await database.drop();
  });

  it("ranks each user's earliest finished attempt per test, and then refuses a second ranked one", async () => {
    await orm.migrator.up({ to: BEFORE_RANKED });
    const [t1, t2] = [crypto.randomUUID(), crypto.randomUUID()];
    for (const id of [t1, t2]) {
      await sql(
        `insert into assessments.mock_tests (id, title, author_id, duration_minutes, negative_marking, candidates, status, created_at)
         values (?, 'Old test', ?, 60, 0.25, 1000, 'PUBLISHED', now())`,
        [id, crypto.randomUUID()],
      );
    }
    const [ana, ben, cy] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    const ids: Record<string, string> = {};
    const at = (time: string) => `2026-11-01T${time}:00Z`;
    const attempt = async (name: string, testId: string, userId: string, status: string, createdAt: string, submittedAt: string | null) => {
      ids[name] = crypto.randomUUID();
      await sql(
        `insert into assessments.attempts (id, test_id, user_id, status, started_at, deadline, submitted_at, score, created_at)
         values (?, ?, ?, ?, ?, ?::timestamptz + interval '1 hour', ?, ?, ?)`,
        [ids[name], testId, userId, status, at(createdAt), at(createdAt), submittedAt && at(submittedAt), submittedAt ? 1 : null, at(createdAt)],
      );
    };
    await attempt("ana t1 in progress", t1, ana, "IN_PROGRESS", "09:00", null);
    await attempt("ana t1 submitted later", t1, ana, "SUBMITTED", "10:20", "10:30");
    await attempt("ana t1 expired first", t1, ana, "EXPIRED", "10:00", "10:10");
    await attempt("ana t2", t2, ana, "SUBMITTED", "12:00", "12:30");
    await attempt("ben t1 in progress only", t1, ben, "IN_PROGRESS", "09:00", null);
    await attempt("cy t1 started second", t1, cy, "SUBMITTED", "10:50", "11:00");
    await attempt("cy t1 started first", t1, cy, "SUBMITTED", "10:40", "11:00"); // same submission time: the earlier start

    await orm.migrator.up();
    const ranked = (await sql("select id from assessments.attempts where ranked")).map((row) => row.id).sort();
    assert.deepEqual(ranked, [ids["ana t1 expired first"], ids["ana t2"], ids["cy t1 started first"]].sort());
    await assert.rejects(sql("update assessments.attempts set ranked = true where id = ?", [ids["ana t1 submitted later"]]), /attempts_one_ranked/);
    assert.deepEqual(
      (await sql("select max_attempts from assessments.mock_tests")).map((row) => row.max_attempts),
      [null, null],
    );
  });

  it("leaves the entities nothing to add", async () => {
    assert.deepEqual(await orm.migrator.getPending(), []);
    const diff = await orm.schema.getUpdateSchemaSQL({ wrap: false, schema: SCHEMA });
    assert.equal(diff.trim(), "", `entities and migrations disagree; run npm run migration:create -- assessments:\n${diff}`);
  });
});

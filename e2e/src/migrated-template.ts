import { testAdminUrl, withAdmin } from "@solo/kit/dist/src/testing";
import { migrateAll } from "@solo/tools/dist/src/migrate";

let template: Promise<string | undefined> | undefined;

/**
 * The database a stack's database is copied from: every subgraph's migrations applied once per
 * `npm test` run (TEST_RUN_ID; the runner drops it afterwards), where each stack used to apply them
 * anew (seconds of Postgres work per stack, dozens of stacks per run). The subgraphs still run their
 * migrator as they start, and find nothing pending. A file run without `npm test` migrates as before.
 */
export function migratedTemplate(): Promise<string | undefined> {
  const runId = process.env.TEST_RUN_ID;
  if (!runId) return Promise.resolve(undefined);
  template ??= build(`solo_template_${runId}`);
  return template;
}

async function build(name: string): Promise<string> {
  const adminUrl = testAdminUrl();
  return withAdmin(adminUrl, async (admin) => {
    // Test files start side by side: one builds it, the others wait here and then find it made.
    await admin.query("select pg_advisory_lock(hashtext($1))", [name]);
    try {
      const made = await admin.query("select 1 from pg_database where datname = $1", [name]);
      if (!made.rowCount) {
        await admin.query(`create database "${name}"`);
        const url = new URL(adminUrl);
        url.pathname = `/${name}`;
        try {
          await migrateAll(url.toString(), () => undefined);
        } catch (error) {
          // Half-migrated, it must not be copied: the next stack tries again.
          await admin.query(`drop database if exists "${name}" with (force)`);
          throw error;
        }
      }
      return name;
    } finally {
      await admin.query("select pg_advisory_unlock(hashtext($1))", [name]);
    }
  });
}

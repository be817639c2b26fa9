import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
// The kit's catalog alone: `npm test -- <typo>` answers at once, without loading the whole kit.
import { projectRoot } from "@solo/kit/catalog";
import type { EmbeddedPostgres } from "./embedded-postgres";
import { runnerOptions as parseRunnerOptions } from "./test-driver";
import { findTests, selectTests, slowestFirst } from "./test-files";

/**
 * `npm test`: Node's test runner over the compiled tests of every workspace, against real Postgres:
 * DATABASE_URL's server when set, else an embedded one made for this run. Each test file creates
 * and drops databases of its own on that server.
 *
 * `npm test -- uploads e2e/test/cors.test.ts` runs the files whose path contains either (see
 * selectTests); a pattern that matches no file fails before anything starts. Arguments starting
 * with `--` go to Node's test runner (`-- --test-name-pattern=refresh`).
 */
async function main() {
  const root = projectRoot();
  const args = process.argv.slice(2);
  const runnerOptions = args.filter((arg) => arg.startsWith("--"));
  const patterns = args.filter((arg) => !arg.startsWith("--"));
  const { selected, unmatched } = selectTests(root, findTests(root), patterns);
  const files = slowestFirst(root, selected);
  if (unmatched.length) {
    console.error(`No test file matches ${unmatched.map((pattern) => `"${pattern}"`).join(", ")} (a pattern is part of a path such as e2e/test/uploads.test.ts)`);
    process.exit(2);
  }
  try {
    parseRunnerOptions(runnerOptions);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
  if (patterns.length) console.log(`Running ${files.length} test file${files.length === 1 ? "" : "s"} matching ${patterns.join(" ")}`);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "solo-test-"));
  let postgres: EmbeddedPostgres | undefined;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    console.log("DATABASE_URL is not set: starting an embedded Postgres for this run");
    const { startEmbeddedPostgres } = await import("./embedded-postgres.js");
    postgres = await startEmbeddedPostgres({
      dir: path.join(scratch, "postgres"),
      persistent: false,
      // A server that lives for one run and is deleted after it: nothing it writes must survive a
      // power cut, so it need not wait for the disk (fsync on every commit, full pages in its WAL).
      settings: ["fsync=off", "synchronous_commit=off", "full_page_writes=off"],
    });
    adminUrl = postgres.adminUrl;
  }
  const runId = crypto.randomBytes(4).toString("hex");
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, ["--enable-source-maps", path.join(__dirname, "test-driver.js"), ...runnerOptions, ...files], {
      stdio: "inherit",
      env: {
        ...process.env,
        NODE_ENV: "test",
        // Node keeps the code it compiled for each module on disk, and every test file and
        // service process it starts loads it from there: a module loads in a third less time.
        NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE ?? path.join(root, "node_modules", ".cache", "node-compile"),
        TEST_DATABASE_URL: adminUrl,
        // Names what this run makes once for all its files (e2e/src/migrated-template.ts), dropped below.
        TEST_RUN_ID: runId,
        // Development keys and local files for this run only, never the developer's .data/.
        SOLO_DATA_DIR: path.join(scratch, "data"),
        // Hundreds of sign-ups and logins: argon2id at OWASP's minimum cost (a quarter of the
        // default's CPU), unless the run asks for another. Production keeps the default.
        PASSWORD_HASH_MEMORY_KIB: process.env.PASSWORD_HASH_MEMORY_KIB ?? "19456",
        PASSWORD_HASH_ITERATIONS: process.env.PASSWORD_HASH_ITERATIONS ?? "2",
        PASSWORD_HASH_PARALLELISM: process.env.PASSWORD_HASH_PARALLELISM ?? "1",
        // The stock @apollo/gateway some tests start phones Apollo unless told not to (ours never does: gateway/src/apollo-telemetry.ts).
        APOLLO_TELEMETRY_DISABLED: process.env.APOLLO_TELEMETRY_DISABLED ?? "true",
      },
    });
    child.on("exit", (exitCode) => resolve(exitCode ?? 1));
    // Ctrl-C reaches the test runner too; wait for it, then clean up below.
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
  });
  if (!postgres) await dropRunDatabases(adminUrl, runId);
  await postgres?.stop();
  fs.rmSync(scratch, { recursive: true, force: true });
  process.exit(code);
}

/** The databases made once for the whole run (the embedded server goes with its run). */
async function dropRunDatabases(adminUrl: string, runId: string) {
  const { Client } = await import("pg");
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const made = await admin.query<{ datname: string }>("select datname from pg_database where datname like $1", [`solo_template_${runId}%`]);
    for (const { datname } of made.rows) await admin.query(`drop database if exists "${datname}" with (force)`);
  } finally {
    await admin.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

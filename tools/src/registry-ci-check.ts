import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { platformSecrets } from "@solo/kit";
import { createTestDatabase } from "@solo/kit/dist/src/testing";
import { buildSubgraphSdls } from "./composition";
import type { EmbeddedPostgres } from "./embedded-postgres";
import { startEmbeddedPostgres } from "./embedded-postgres";
import { baselineSubgraphs, registryCiCheck } from "./registry-ci";

/**
 * `npm run registry:ci` (in .ci/run after the tests): the working tree's subgraphs checked, as
 * `registry check` checks them, against main's schema and the client operations it serves, on a
 * throwaway registry (a database of its own on DATABASE_URL's server, or an embedded Postgres).
 * Exit code 1 when a change breaks an operation a client sends.
 */
async function main() {
  process.env.LOG_LEVEL ??= "warn"; // the throwaway registry's request log is noise in CI's output
  platformSecrets(); // the development keys, made once before the CLI processes read them
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "solo-registry-ci-"));
  let postgres: EmbeddedPostgres | undefined;
  if (!process.env.TEST_DATABASE_URL && !process.env.DATABASE_URL) {
    postgres = await startEmbeddedPostgres({ dir: path.join(scratch, "postgres"), persistent: false });
    process.env.TEST_DATABASE_URL = postgres.adminUrl;
  }
  const database = await createTestDatabase("registry_ci");
  try {
    const baseline = await baselineSubgraphs();
    const proposed = (await buildSubgraphSdls()).map(({ entry, sdl }) => ({ name: entry.name, sdl }));
    console.log(`registry check: the working tree against ${baseline.ref} (${baseline.subgraphs.map((subgraph) => subgraph.name).join(", ")})`);
    const result = await registryCiCheck({ databaseUrl: database.url, baseline: baseline.subgraphs, proposed });
    for (const check of result.checks) console.log(`\n$ registry check ${check.subgraph}  (exit ${check.exitCode})\n${check.output}`);
    for (const name of result.added) console.log(`\n${name}: new, nothing to check it against`);
    for (const name of result.removed)
      console.log(`\n${name}: REMOVED from rover.yaml: everything it served goes (remove it from the registry on purpose, not in passing)`);
    console.log(`\nregistry check ${result.ok ? "passed" : "FAILED"}: ${result.checks.length} subgraphs, ${result.operations} trusted documents`);
    process.exitCode = result.ok ? 0 : 1;
  } finally {
    await database.drop();
    await postgres?.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

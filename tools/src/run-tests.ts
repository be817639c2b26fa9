import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import { projectRoot, readSubgraphs } from "@solo/kit";
import type { EmbeddedPostgres } from "./embedded-postgres";
import { startEmbeddedPostgres } from "./embedded-postgres";

/**
 * `npm test`: Node's test runner over the compiled tests of every workspace, against real Postgres:
 * DATABASE_URL's server when set, else an embedded one made for this run. Each test file creates
 * and drops databases of its own on that server.
 */
async function main() {
  const root = projectRoot();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "solo-test-"));
  let postgres: EmbeddedPostgres | undefined;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    console.log("DATABASE_URL is not set: starting an embedded Postgres for this run");
    postgres = await startEmbeddedPostgres({ dir: path.join(scratch, "postgres"), persistent: false });
    adminUrl = postgres.adminUrl;
  }
  const filter = process.argv.slice(2);
  const files = findTests(root).filter((file) => !filter.length || filter.some((part) => file.includes(part)));
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, ["--enable-source-maps", "--test", "--test-concurrency=2", "--test-reporter=spec", ...files], {
      stdio: "inherit",
      env: {
        ...process.env,
        NODE_ENV: "test",
        TEST_DATABASE_URL: adminUrl,
        // Development keys and local files for this run only, never the developer's .data/.
        SOLO_DATA_DIR: path.join(scratch, "data"),
        // Hundreds of sign-ups and logins: argon2id at OWASP's minimum cost (a quarter of the
        // default's CPU), unless the run asks for another. Production keeps the default.
        PASSWORD_HASH_MEMORY_KIB: process.env.PASSWORD_HASH_MEMORY_KIB ?? "19456",
        PASSWORD_HASH_ITERATIONS: process.env.PASSWORD_HASH_ITERATIONS ?? "2",
        PASSWORD_HASH_PARALLELISM: process.env.PASSWORD_HASH_PARALLELISM ?? "1",
      },
    });
    child.on("exit", (exitCode) => resolve(exitCode ?? 1));
    // Ctrl-C reaches the test runner too; wait for it, then clean up below.
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
  });
  await postgres?.stop();
  fs.rmSync(scratch, { recursive: true, force: true });
  process.exit(code);
}

/** The packages, every subgraph rover.yaml lists, the gateway, the tools and the end-to-end tests. */
function findTests(root: string): string[] {
  const packages = fs.readdirSync(path.join(root, "packages")).map((name) => path.join(root, "packages", name));
  const workspaces = [...packages, ...readSubgraphs(root).map((entry) => entry.dir), path.join(root, "gateway"), path.join(root, "tools"), path.join(root, "e2e")];
  return workspaces
    .flatMap((dir) => walk(path.join(dir, "dist", "test")))
    .filter((file) => file.endsWith(".test.js"))
    .sort();
}

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(path.join(dir, entry.name)) : [path.join(dir, entry.name)]));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

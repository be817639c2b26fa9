import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { Client } from "pg";
import { loadSubgraph, readSubgraphs } from "@solo/kit";
import { createTestDatabase } from "@solo/kit/dist/src/testing";

const REPLICAS = 4;

interface Replica {
  child: ChildProcess;
  output: () => string;
  loaded: Promise<void>;
  exited: Promise<number | null>;
}

function startReplica(name: string, databaseUrl: string): Replica {
  const child = spawn(process.execPath, [path.join(__dirname, "replica-start.js"), name, databaseUrl], { stdio: ["pipe", "pipe", "pipe"] });
  let output = "";
  const loaded = new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk) => {
      output += chunk;
      if (output.includes("loaded\n")) resolve();
    });
    child.once("exit", () => reject(new Error(`replica exited before loading:\n${output}`)));
  });
  child.stderr.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => output, loaded, exited };
}

/** The subgraph with the most migrations: the longest window for replicas to race in. */
function subgraphWithMostMigrations() {
  const migrationsOf = (dir: string) =>
    fs
      .readdirSync(dir)
      .filter((file) => /^Migration.*\.js$/.test(file))
      .map((file) => file.replace(/\.js$/, ""));
  return readSubgraphs()
    .map((entry) => loadSubgraph(entry.dir))
    .map((descriptor) => ({ name: descriptor.name, schema: descriptor.schema, migrations: migrationsOf(descriptor.migrations) }))
    .sort((a, b) => b.migrations.length - a.migrations.length)[0];
}

/**
 * Real processes: four replicas of one subgraph open an empty database at the same moment. Without
 * the advisory lock around schema creation and migrations they raced (a duplicate schema, table or
 * migration refused, and those replicas never came up).
 */
describe("replicas starting together on an empty database", () => {
  it("all come up, and each migration runs exactly once", { timeout: 120_000 }, async () => {
    const subgraph = subgraphWithMostMigrations();
    const database = await createTestDatabase("replicas");
    const replicas = Array.from({ length: REPLICAS }, () => startReplica(subgraph.name, database.url));
    try {
      await Promise.all(replicas.map((replica) => replica.loaded));
      for (const replica of replicas) replica.child.stdin!.end("go\n");
      const codes = await Promise.all(replicas.map((replica) => replica.exited));
      codes.forEach((code, i) => assert.equal(code, 0, `replica ${i + 1} did not come up:\n${replicas[i].output()}`));
      for (const replica of replicas) assert.match(replica.output(), /^up$/m);

      const client = new Client({ connectionString: database.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ name: string; runs: number }>(
          `select name, count(*)::int as runs from "${subgraph.schema}".mikro_orm_migrations group by name order by name`,
        );
        assert.deepEqual(
          rows,
          subgraph.migrations.sort().map((name) => ({ name, runs: 1 })),
        );
      } finally {
        await client.end();
      }
    } finally {
      for (const replica of replicas) if (replica.child.exitCode === null) replica.child.kill("SIGKILL");
      await Promise.all(replicas.map((replica) => replica.exited));
      await database.drop();
    }
  });
});

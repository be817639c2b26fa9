import path from "node:path";
import { dataDir, envInt, watchSupervisor } from "@solo/kit";
import { ensureDatabase, startEmbeddedPostgres } from "./embedded-postgres";

/**
 * The embedded Postgres in a process of its own: `npm start` runs it in a separate process group,
 * so a terminal's Ctrl-C does not stop the database under subgraphs that are still draining.
 * Prints `READY <database url>` once it accepts connections; stops the cluster on SIGTERM.
 */
async function main() {
  const postgres = await startEmbeddedPostgres({
    dir: path.join(dataDir(), "postgres"),
    port: envInt("EMBEDDED_POSTGRES_PORT", 54320),
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await postgres.stop();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  watchSupervisor(stop);
  const url = await ensureDatabase(postgres.adminUrl, "solo");
  process.stdout.write(`READY ${url}\n`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

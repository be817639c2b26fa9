import path from "node:path";
import { dataDir, envInt, platformSecrets, projectRoot } from "@solo/kit";
import { ensureDatabase, startEmbeddedPostgres, EmbeddedPostgres } from "./embedded-postgres";
import { ManagedProcess, startProcess, stopProcess, waitUntilReady } from "./processes";
import { readSubgraphs } from "./rover-config";

/**
 * `npm start`: the whole platform on one machine. With DATABASE_URL (and REDIS_URL) set it uses
 * them; without, it starts an embedded Postgres whose data stays in .data/postgres.
 */
async function main() {
  const root = projectRoot();
  const processes: ManagedProcess[] = [];
  let postgres: EmbeddedPostgres | undefined;
  let stopping = false;

  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log("\nstopping the platform…");
    // Gateway first so nothing new reaches the subgraphs, then the subgraphs, then the database.
    for (const proc of [...processes].reverse()) await stopProcess(proc);
    await postgres?.stop().catch((error) => console.error("embedded postgres did not stop cleanly", error));
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));

  try {
    platformSecrets(); // create the development keys once, before several processes race to
    let databaseUrl = process.env.DATABASE_URL;
    if (!databaseUrl) {
      const dir = path.join(dataDir(), "postgres");
      console.log(`DATABASE_URL is not set: starting an embedded Postgres in ${path.relative(root, dir)}`);
      postgres = await startEmbeddedPostgres({ dir, port: envInt("EMBEDDED_POSTGRES_PORT", 54320) });
      databaseUrl = await ensureDatabase(postgres.adminUrl, "solo");
    }

    // PORT_OFFSET shifts every port, so a second copy (or a test) can run beside the first.
    const offset = envInt("PORT_OFFSET", 0);
    const subgraphs = readSubgraphs(root).map((subgraph) => {
      const url = new URL(subgraph.routingUrl);
      url.port = String(subgraph.port + offset);
      return { ...subgraph, port: subgraph.port + offset, routingUrl: url.toString() };
    });
    const subgraphUrls: Record<string, string> = {};
    for (const subgraph of subgraphs) {
      const proc = startProcess(subgraph.name, path.join(subgraph.dir, "dist", "src", "index.js"), {
        PORT: String(subgraph.port),
        DATABASE_URL: databaseUrl,
      });
      processes.push(proc);
      watch(proc, shutdown);
      subgraphUrls[`SUBGRAPH_URL_${subgraph.name.toUpperCase()}`] = subgraph.routingUrl;
    }
    await Promise.all(
      subgraphs.map((subgraph, index) =>
        waitUntilReady(subgraph.routingUrl.replace(/\/graphql$/, "/ready"), 120_000, processes[index].exited),
      ),
    );

    const port = envInt("PORT", 4000) + offset;
    const gateway = startProcess("gateway", path.join(root, "gateway", "dist", "src", "index.js"), {
      ...subgraphUrls,
      SUBGRAPHS: subgraphs.map((subgraph) => `${subgraph.name}=${subgraph.routingUrl}`).join(","),
      PORT: String(port),
    });
    processes.push(gateway);
    watch(gateway, shutdown);
    await waitUntilReady(`http://127.0.0.1:${port}/ready`, 60_000, gateway.exited);
    console.log(`\nSOLO supergraph ready: http://127.0.0.1:${port}/graphql  (Ctrl-C stops everything)\n`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    await shutdown(1);
  }
}

function watch(proc: ManagedProcess, shutdown: (code: number) => Promise<void>) {
  proc.exited.then((code) => {
    console.error(`${proc.name} exited with code ${code}`);
    void shutdown(1);
  });
}

main();

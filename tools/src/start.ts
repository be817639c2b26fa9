import path from "node:path";
import { dataDir, envInt, platformSecrets, projectRoot } from "@solo/kit";
import { ManagedProcess, startProcess, stopProcess, waitForLine, waitUntilReady } from "./processes";
import { readSubgraphs } from "./rover-config";

/**
 * `npm start`: the whole platform on one machine. With DATABASE_URL (and REDIS_URL) set it uses
 * them; without, it starts an embedded Postgres whose data stays in .data/postgres. Ctrl-C stops
 * the gateway, then the subgraphs, then the database; the exit code is 0 only if all stopped cleanly.
 */
async function main() {
  const root = projectRoot();
  const services: ManagedProcess[] = [];
  let database: ManagedProcess | undefined;
  let stopping = false;

  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log("\nstopping the platform…");
    let clean = code === 0;
    for (const proc of [...services].reverse()) {
      const exitCode = await stopProcess(proc);
      if (exitCode !== 0) {
        console.error(`${proc.name} stopped with exit code ${exitCode}`);
        clean = false;
      }
    }
    if (database && (await stopProcess(database)) !== 0) {
      console.error("embedded postgres did not stop cleanly");
      clean = false;
    }
    process.exit(clean ? 0 : 1);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));
  const watch = (proc: ManagedProcess) =>
    proc.exited.then((exitCode) => {
      if (stopping) return;
      console.error(`${proc.name} exited with code ${exitCode}`);
      void shutdown(1);
    });

  try {
    platformSecrets(); // create the development keys once, before several processes race to
    let databaseUrl = process.env.DATABASE_URL;
    if (!databaseUrl) {
      console.log(`DATABASE_URL is not set: starting an embedded Postgres in ${path.relative(root, path.join(dataDir(), "postgres"))}`);
      database = startProcess("postgres", path.join(__dirname, "postgres-process.js"), {}, "pipe");
      databaseUrl = await waitForLine(database, "READY ");
      watch(database);
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
      services.push(proc);
      watch(proc);
      subgraphUrls[`SUBGRAPH_URL_${subgraph.name.toUpperCase()}`] = subgraph.routingUrl;
    }
    await Promise.all(
      subgraphs.map((subgraph, index) =>
        waitUntilReady(subgraph.routingUrl.replace(/\/graphql$/, "/ready"), 120_000, services[index].exited),
      ),
    );

    const port = envInt("PORT", 4000) + offset;
    const gateway = startProcess("gateway", path.join(root, "gateway", "dist", "src", "index.js"), {
      ...subgraphUrls,
      SUBGRAPHS: subgraphs.map((subgraph) => `${subgraph.name}=${subgraph.routingUrl}`).join(","),
      PORT: String(port),
    });
    services.push(gateway);
    watch(gateway);
    await waitUntilReady(`http://127.0.0.1:${port}/ready`, 60_000, gateway.exited);
    console.log(`\nSOLO supergraph ready: http://127.0.0.1:${port}/graphql  (Ctrl-C stops everything)\n`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    await shutdown(1);
  }
}

main();

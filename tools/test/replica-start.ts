import "reflect-metadata";
import readline from "node:readline";
import { loadSubgraph, runSubgraph } from "@solo/kit";

/**
 * One replica of a subgraph coming up, for migration-lock.test.ts: `node replica-start.js <subgraph
 * name> <database url>`. It loads the subgraph's descriptor, prints "loaded", and waits for a line
 * on stdin, so that every replica opens the database at the same moment; then runs it as
 * `serve.js` does (schema, migrations, services, HTTP), checks it answers /health, stops it, and
 * prints "up".
 */
async function main() {
  const [name, databaseUrl] = process.argv.slice(2);
  const descriptor = loadSubgraph(name);
  console.log("loaded");
  await new Promise((resolve) => readline.createInterface({ input: process.stdin }).once("line", resolve));
  const service = await runSubgraph(descriptor, { databaseUrl });
  try {
    const health = await fetch(new URL("/health", service.url));
    if (!health.ok) throw new Error(`/health answered ${health.status}`);
  } finally {
    await service.close();
  }
  console.log("up");
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

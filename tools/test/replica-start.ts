import "reflect-metadata";
import path from "node:path";
import readline from "node:readline";
import { openDatabase } from "@solo/kit";

/**
 * One replica of a subgraph coming up, for migration-lock.test.ts: `node replica-start.js <subgraph
 * folder> <schema> <database url>`. It loads the subgraph's entities, prints "loaded", and waits for
 * a line on stdin, so that every replica opens the database at the same moment; then opens it as the
 * subgraph does (schema, migrations), checks it answers, and prints "up".
 */
async function main() {
  const [dir, schema, databaseUrl] = process.argv.slice(2);
  const { entities } = require(path.join(dir, "dist", "src", "entities"));
  console.log("loaded");
  await new Promise((resolve) => readline.createInterface({ input: process.stdin }).once("line", resolve));
  const orm = await openDatabase({ schema, entities, migrationsPath: path.join(dir, "dist", "migrations"), clientUrl: databaseUrl });
  await orm.em.getConnection().execute(`select count(*) from "${schema}".mikro_orm_migrations`);
  await orm.close();
  console.log("up");
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

import type { StorageConfig } from "@solo/kit";
import { GATEWAY_KEY_HEADER, anonymousGatewayKey, createLogger, loadSubgraph, runSubgraph } from "@solo/kit";
import { Pool } from "pg";

/**
 * The physical reference for a subgraph query: the SQL statements the subgraph sends to answer it
 * once, run straight on a `pg` pool as large as the subgraph's, at the same concurrency. Its rate is
 * what the subgraph would serve if GraphQL, HTTP and the ORM cost nothing.
 */

/**
 * What `subgraph` sends to Postgres for one request of `query`, as it sends them (MikroORM inlines
 * the values and runs the text: see AbstractSqlConnection.execute, whose logger context carries it
 * as `formatted`), transaction control included.
 * Taken from a subgraph of its own in this process, on the same database, after one warm-up request.
 */
export async function statementsOf(subgraph: string, databaseUrl: string, storage: StorageConfig, query: string, variables: Record<string, unknown>): Promise<string[]> {
  const logger = createLogger(`${subgraph} (SQL capture)`);
  // Its request lines and the audit relay's complaint (no users to deliver to) would interleave with the tables.
  logger.level = "fatal";
  const running = await runSubgraph(loadSubgraph(subgraph), { databaseUrl, storage, port: 0, logger });
  try {
    const send = async () => {
      const response = await fetch(running.url, {
        method: "POST",
        headers: { "content-type": "application/json", [GATEWAY_KEY_HEADER]: anonymousGatewayKey() },
        body: JSON.stringify({ query, variables }),
      });
      const answer = (await response.json()) as { errors?: unknown };
      if (answer.errors) throw new Error(`${subgraph} answered the captured query with ${JSON.stringify(answer.errors)}`);
    };
    await send();
    const statements: string[] = [];
    const ormLogger = running.orm.config.getLogger();
    const logQuery = ormLogger.logQuery.bind(ormLogger);
    ormLogger.logQuery = (context) => {
      // The text it ran, values inlined (`query` has placeholders unless query logging is on); transaction control has none.
      const ran = (context as { formatted?: string }).formatted ?? context.query;
      if (ran) statements.push(ran);
      logQuery(context);
    };
    await send();
    ormLogger.logQuery = logQuery;
    return statements;
  } finally {
    await running.close();
  }
}

/** Sets of `statements`, each set one statement after another, on `concurrency` workers for `seconds`: sets per second. */
export async function statementSetsPerSecond(databaseUrl: string, statements: string[], concurrency: number, seconds: number, poolSize: number): Promise<number> {
  const pool = new Pool({ connectionString: databaseUrl, max: poolSize });
  try {
    const until = performance.now() + seconds * 1000;
    let sets = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < until) {
          // Each on whichever connection is free, as the ORM sends statements outside a transaction.
          for (const statement of statements) await pool.query(statement);
          sets += 1;
        }
      }),
    );
    return sets / ((performance.now() - started) / 1000);
  } finally {
    await pool.end();
  }
}

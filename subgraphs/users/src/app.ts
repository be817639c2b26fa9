import path from "node:path";
import { Logger, RunningService, createLogger, openDatabase, startSubgraphServer, Orm } from "@solo/kit";
import { entities } from "./entities";
import { mountInternalRoutes } from "./internal-routes";
import { UsersPeers, createLoaders } from "./loaders";
import { buildUsersSchema } from "./schema";

export const SCHEMA = "users";
export const MIGRATIONS_PATH = path.join(__dirname, "..", "migrations");

export interface UsersSubgraphOptions {
  port: number;
  host?: string;
  databaseUrl: string;
  logger?: Logger;
  peers?: UsersPeers;
}

export async function startUsersSubgraph(options: UsersSubgraphOptions): Promise<RunningService & { orm: Orm }> {
  const logger = options.logger ?? createLogger("users");
  const orm = await openDatabase({
    schema: SCHEMA,
    entities,
    migrationsPath: MIGRATIONS_PATH,
    clientUrl: options.databaseUrl,
    logger,
  });
  try {
    return await startSubgraphServer({
      name: "users",
      port: options.port,
      host: options.host,
      schema: await buildUsersSchema(),
      orm,
      logger,
      createLoaders: (em) => createLoaders(em, options.peers),
      routes: (app) => mountInternalRoutes(app, orm),
    });
  } catch (error) {
    await orm.close();
    throw error;
  }
}

import path from "node:path";
import { Clock, Logger, RunningService, createLogger, openDatabase, startPeriodicJob, startSubgraphServer, systemClock, Orm } from "@solo/kit";
import { AccountSettings, accountSettingsFromEnv } from "./config";
import { entities } from "./entities";
import { mountInternalRoutes } from "./internal-routes";
import { UsersPeers, createLoaders } from "./loaders";
import { buildUsersSchema } from "./schema";
import { forgetExpiredTokens } from "./services/account-tokens";
import { forgetEndedLoginWindows } from "./services/login-throttle";
import { forgetUnsentMail, startMailDelivery } from "./services/mail-delivery";

export const SCHEMA = "users";
export const MIGRATIONS_PATH = path.join(__dirname, "..", "migrations");

export interface UsersSubgraphOptions {
  port: number;
  host?: string;
  databaseUrl: string;
  logger?: Logger;
  peers?: UsersPeers;
  /** Over the environment's (SMTP_URL, LOGIN_MAX_FAILURES, …). */
  account?: Partial<AccountSettings>;
  /** What token expiry, login windows and mail retries read the time from (a ManualClock in tests). */
  clock?: Clock;
}

export type UsersSubgraph = RunningService & { orm: Orm; deliverMail(): Promise<void>; forgetSpentRecords(): Promise<void> };

const HOUSEKEEPING_INTERVAL_MS = 10 * 60_000;

export async function startUsersSubgraph(options: UsersSubgraphOptions): Promise<UsersSubgraph> {
  const logger = options.logger ?? createLogger("users");
  const settings = { ...accountSettingsFromEnv(), ...options.account };
  const clock = options.clock ?? systemClock;
  const orm = await openDatabase({
    schema: SCHEMA,
    entities,
    migrationsPath: MIGRATIONS_PATH,
    clientUrl: options.databaseUrl,
    logger,
  });
  const mailer = startMailDelivery({ orm, settings, clock, logger });
  // Mail queued before a restart (or while the SMTP server was away) goes out now.
  void mailer.deliverNow();
  const housekeeping = startPeriodicJob({
    name: "forget-spent-account-records",
    intervalMs: HOUSEKEEPING_INTERVAL_MS,
    logger,
    run: async () => {
      const em = orm.em.fork();
      const now = clock.now();
      const throttle = { maxFailures: settings.loginMaxFailures, windowMs: settings.loginFailureWindowMs };
      return (await forgetEndedLoginWindows(em, now, throttle)) + (await forgetExpiredTokens(em, now)) + (await forgetUnsentMail(em, now, logger));
    },
  });
  const stopJobs = async () => {
    await housekeeping.stop();
    await mailer.stop();
  };
  try {
    const service = await startSubgraphServer({
      name: "users",
      port: options.port,
      host: options.host,
      schema: await buildUsersSchema(),
      orm,
      logger,
      createLoaders: (em) => ({ ...createLoaders(em, options.peers), accounts: { settings, clock, mailer } }),
      routes: (app) => mountInternalRoutes(app, orm),
      beforeClose: stopJobs,
    });
    return { ...service, deliverMail: mailer.deliverNow, forgetSpentRecords: housekeeping.runNow };
  } catch (error) {
    await stopJobs();
    await orm.close();
    throw error;
  }
}

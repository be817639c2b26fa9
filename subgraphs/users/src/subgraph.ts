import path from "node:path";
import { CREDENTIALS_CHANGED_TOPIC, defineSubgraph } from "@solo/kit";
import { accountSettingsFromEnv } from "./config";
import { MailOutboxEntry, User, entities } from "./entities";
import { internalRoutes } from "./internal-routes";
import { createLoaders } from "./loaders";
import { resolveUserReference, resolvers } from "./resolvers";
import { createUsersServices } from "./services";
import { forgetExpiredTokens } from "./services/account-tokens";
import { usersDemo } from "./demo";
import { forgetEndedLoginWindows } from "./services/login-throttle";
import { forgetUnsentMail } from "./services/mail-delivery";

/** Accounts, sessions, roles, partner API keys, the audit log, and the mail that proves addresses. */
export default defineSubgraph({
  name: "users",
  schema: "users",
  entities,
  migrations: path.join(__dirname, "..", "migrations"),
  resolvers,
  orphanedTypes: [User],
  referenceResolvers: { User: { __resolveReference: resolveUserReference } },
  settings: accountSettingsFromEnv,
  services: createUsersServices,
  loaders: createLoaders,
  internalRoutes,
  announces: [CREDENTIALS_CHANGED_TOPIC],
  announcesChanges: true,
  jobs: [
    {
      // At start too: mail queued before a restart (or while the SMTP server was away) goes out now.
      name: "deliver-account-mail",
      every: (settings) => settings.mailDeliveryIntervalMs,
      runAtStart: true,
      wokenBy: [MailOutboxEntry],
      run: ({ mail }) => mail.deliverDue(),
    },
    {
      name: "forget-spent-account-records",
      every: () => 10 * 60_000,
      run: async ({ clock, settings }, { orm, logger }) => {
        const em = orm.em.fork();
        const now = clock.now();
        const throttle = { maxFailures: settings.loginMaxFailures, windowMs: settings.loginFailureWindowMs };
        return (await forgetEndedLoginWindows(em, now, throttle)) + (await forgetExpiredTokens(em, now)) + (await forgetUnsentMail(em, now, logger));
      },
    },
  ],
  demo: usersDemo,
});

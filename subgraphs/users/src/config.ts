import type { Env } from "@solo/kit";
import { envInt, envString, isProduction } from "@solo/kit";
import type { PasswordHashCost } from "./services/passwords";
import { DEFAULT_PASSWORD_HASH_COST, MIN_PASSWORD_HASH_COST } from "./services/passwords";

/** Account security and mail settings, read from the environment in one place. */
export interface AccountSettings {
  /** Failed logins one email may have in a window before its logins are refused (10). */
  loginMaxFailures: number;
  /** The fixed window those failures are counted in (15 minutes). */
  loginFailureWindowMs: number;
  /** Where mail goes (smtp:// or smtps://); unset outside production: mail waits in the outbox. */
  smtpUrl?: string;
  mailFrom: string;
  /** The web app that opens the links in the mails: `${publicAppUrl}/verify-email?token=…`. */
  publicAppUrl: string;
  /** How often the outbox is delivered when nothing prompts it sooner (a failed send is retried). */
  mailDeliveryIntervalMs: number;
  /** argon2id's cost for new password hashes (64 MiB, 3 passes, 4 lanes; never below OWASP's minimum). */
  passwordHashCost: PasswordHashCost;
}

export function accountSettingsFromEnv(env: Env): AccountSettings {
  const smtpUrl = env.SMTP_URL || undefined;
  if (isProduction() && !smtpUrl) {
    throw new Error("SMTP_URL is required in production: verification and password-reset mails could not be sent");
  }
  if (isProduction() && !env.PUBLIC_APP_URL) {
    throw new Error("PUBLIC_APP_URL is required in production: it is the base of the links in account mails");
  }
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl)) throw new Error(`SMTP_URL must start with smtp:// or smtps://`);
  return {
    loginMaxFailures: envInt("LOGIN_MAX_FAILURES", 10, env),
    loginFailureWindowMs: envInt("LOGIN_FAILURE_WINDOW_MINUTES", 15, env) * 60_000,
    smtpUrl,
    mailFrom: envString("MAIL_FROM", "SOLO <no-reply@solo.localhost>", env),
    publicAppUrl: envString("PUBLIC_APP_URL", "http://localhost:3000", env).replace(/\/+$/, ""),
    mailDeliveryIntervalMs: envInt("MAIL_DELIVERY_INTERVAL_MS", 5_000, env),
    passwordHashCost: passwordHashCostFromEnv(env),
  };
}

function passwordHashCostFromEnv(env: Env): PasswordHashCost {
  const cost: PasswordHashCost = {
    memoryKib: envInt("PASSWORD_HASH_MEMORY_KIB", DEFAULT_PASSWORD_HASH_COST.memoryKib, env),
    iterations: envInt("PASSWORD_HASH_ITERATIONS", DEFAULT_PASSWORD_HASH_COST.iterations, env),
    parallelism: envInt("PASSWORD_HASH_PARALLELISM", DEFAULT_PASSWORD_HASH_COST.parallelism, env),
  };
  const weak = cost.memoryKib < MIN_PASSWORD_HASH_COST.memoryKib || cost.iterations < MIN_PASSWORD_HASH_COST.iterations || cost.parallelism < 1;
  if (weak) {
    throw new Error(
      `PASSWORD_HASH_MEMORY_KIB, PASSWORD_HASH_ITERATIONS and PASSWORD_HASH_PARALLELISM must be at least ${MIN_PASSWORD_HASH_COST.memoryKib}, ${MIN_PASSWORD_HASH_COST.iterations} and 1 (OWASP's minimum for argon2id)`,
    );
  }
  return cost;
}

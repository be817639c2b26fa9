import type { EntityManager } from "@mikro-orm/postgresql";
import { rateLimited } from "@solo/kit";
import { LoginFailure } from "../entities";

export interface LoginThrottle {
  maxFailures: number;
  windowMs: number;
}

/**
 * Counts a login attempt for this email before its password is checked, in one atomic upsert
 * (replicas and concurrent requests cannot slip past the count), and refuses it when the email has
 * used up its window. A successful login takes its attempt back with `clearLoginFailures`, so only
 * failures remain counted. The window is fixed: it starts at the first failure and does not move.
 */
export async function countLoginAttempt(em: EntityManager, emailNormalized: string, now: Date, throttle: LoginThrottle): Promise<void> {
  const [row] = await em.getConnection().execute<{ failures: number; window_started_at: Date }[]>(
    `insert into "users"."login_failures" as f (email_normalized, window_started_at, failures) values (?, ?, 1)
     on conflict (email_normalized) do update set
       failures = case when f.window_started_at <= ?::timestamptz then 1 else f.failures + 1 end,
       window_started_at = case when f.window_started_at <= ?::timestamptz then excluded.window_started_at else f.window_started_at end
     returning failures, window_started_at`,
    [emailNormalized, now, ...Array<Date>(2).fill(new Date(now.getTime() - throttle.windowMs))],
  );
  if (row.failures > throttle.maxFailures) {
    const windowEndsIn = new Date(row.window_started_at).getTime() + throttle.windowMs - now.getTime();
    throw rateLimited("Too many failed logins for this email", windowEndsIn, { reason: "TOO_MANY_FAILED_LOGINS" });
  }
}

/** After a successful login: the failures before it no longer count. */
export async function clearLoginFailures(em: EntityManager, emailNormalized: string): Promise<void> {
  await em.nativeDelete(LoginFailure, { emailNormalized });
}

/** Windows that have ended hold nothing worth keeping. */
export function forgetEndedLoginWindows(em: EntityManager, now: Date, throttle: LoginThrottle): Promise<number> {
  return em.nativeDelete(LoginFailure, { windowStartedAt: { $lte: new Date(now.getTime() - throttle.windowMs) } });
}

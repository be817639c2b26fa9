import type { Env } from "@solo/kit";
import { envInt } from "@solo/kit";

/** Study-session settings, read from the environment in one place. */
export interface AssessmentsSettings {
  /** An ACTIVE study session untouched this long has ended, swept or not (STUDY_SESSION_IDLE_MINUTES, 30). */
  idleSessionMs: number;
  /** How often idle sessions are ended (IDLE_SESSION_SWEEP_SECONDS, 60). */
  idleSweepIntervalMs: number;
}

export function assessmentsSettingsFromEnv(env: Env): AssessmentsSettings {
  return {
    idleSessionMs: envInt("STUDY_SESSION_IDLE_MINUTES", 30, env) * 60_000,
    idleSweepIntervalMs: envInt("IDLE_SESSION_SWEEP_SECONDS", 60, env) * 1000,
  };
}

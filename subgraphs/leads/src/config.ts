import type { Env } from "@solo/kit";
import { envInt } from "@solo/kit";

/** Leads settings, read from the environment in one place. */
export interface LeadsSettings {
  /** How often the export job looks for exports to make (LEAD_EXPORT_INTERVAL_MS, 5 s; a request also wakes it). */
  exportIntervalMs: number;
  /** How long an export's claim lasts (LEAD_EXPORT_LEASE_MS, 5 min): a crashed export is taken up again after it. */
  exportLeaseMs: number;
  /** Tries before an export is FAILED (LEAD_EXPORT_MAX_ATTEMPTS, 3). */
  exportMaxAttempts: number;
  /** Rows an import upserts per transaction (LEAD_IMPORT_BATCH, 1000). */
  importBatchSize: number;
}

export function leadsSettingsFromEnv(env: Env): LeadsSettings {
  return {
    exportIntervalMs: envInt("LEAD_EXPORT_INTERVAL_MS", 5_000, env),
    exportLeaseMs: envInt("LEAD_EXPORT_LEASE_MS", 300_000, env),
    exportMaxAttempts: envInt("LEAD_EXPORT_MAX_ATTEMPTS", 3, env),
    importBatchSize: envInt("LEAD_IMPORT_BATCH", 1_000, env),
  };
}

import type { Env } from "@solo/kit";
import { envInt } from "@solo/kit";

/** Upload settings, read from the environment in one place. */
export interface ContentSettings {
  /** Uploads one account may have PENDING at once (MAX_PENDING_UPLOADS, 20). */
  maxPendingUploads: number;
  /** How old a PENDING upload must be before it is removed (PENDING_UPLOAD_MAX_AGE_HOURS, 24). */
  pendingUploadMaxAgeMs: number;
  /** How often stale uploads are swept (UPLOAD_SWEEP_INTERVAL_SECONDS, 600). */
  uploadSweepIntervalMs: number;
}

export function contentSettingsFromEnv(env: Env): ContentSettings {
  return {
    maxPendingUploads: envInt("MAX_PENDING_UPLOADS", 20, env),
    pendingUploadMaxAgeMs: envInt("PENDING_UPLOAD_MAX_AGE_HOURS", 24, env) * 3_600_000,
    uploadSweepIntervalMs: envInt("UPLOAD_SWEEP_INTERVAL_SECONDS", 600, env) * 1000,
  };
}

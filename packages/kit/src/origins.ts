import { envString, isProduction } from "./config";

// scheme://host, with an optional port or `*` for any port.
const ORIGIN_PATTERN = /^https?:\/\/(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:]+\])(?::(?:\d{1,5}|\*))?$/;

/**
 * CORS_ORIGINS: the browser origins allowed to call the API and the local object store, as exact
 * origins or with `*` for the port (`http://localhost:*`). Development allows any port on loopback;
 * production allows none until configured.
 */
export function corsOriginsFromEnv(): string[] {
  const fallback = isProduction() ? "" : "http://localhost:*,http://127.0.0.1:*";
  return parseCorsOrigins(envString("CORS_ORIGINS", fallback));
}

export function parseCorsOrigins(value: string): string[] {
  const origins = value
    .split(",")
    .map((item) => item.trim().toLowerCase())
    .filter(Boolean);
  for (const origin of origins) {
    if (!ORIGIN_PATTERN.test(origin)) {
      throw new Error(`CORS_ORIGINS: "${origin}" is neither an origin (http[s]://host[:port]) nor one with * for the port`);
    }
  }
  return origins;
}

/** Whether an Origin header is one of `patterns` (as parseCorsOrigins returns them). */
export function originMatcher(patterns: string[]): (origin: string) => boolean {
  const exact = new Set(patterns.filter((pattern) => !pattern.endsWith(":*")));
  const anyPort = patterns.filter((pattern) => pattern.endsWith(":*")).map((pattern) => pattern.slice(0, -1));
  return (origin) => {
    const candidate = origin.toLowerCase();
    if (exact.has(candidate)) return true;
    return anyPort.some((prefix) => candidate.startsWith(prefix) && /^\d{1,5}$/.test(candidate.slice(prefix.length)));
  };
}

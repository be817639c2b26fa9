/** Every API key secret starts with this, so a bearer value can be told apart from a JWT. */
export const API_KEY_PREFIX = "solo_";

/** Every scope an API key can hold: `<subgraph area>:<read|write>`. */
export const API_KEY_SCOPES = [
  "users:read",
  "users:write",
  "content:read",
  "content:write",
  "assessments:read",
  "assessments:write",
  "social:read",
  "social:write",
  "leads:read",
  "leads:write",
] as const;

export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export function isApiKeyScope(value: string): value is ApiKeyScope {
  return (API_KEY_SCOPES as readonly string[]).includes(value);
}

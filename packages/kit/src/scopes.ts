import { readSubgraphs } from "./catalog";

/** Every API key secret starts with this, so a bearer value can be told apart from a JWT. */
export const API_KEY_PREFIX = "solo_";

/**
 * Every scope an API key can hold: `<subgraph>:read` and `<subgraph>:write` for each subgraph
 * rover.yaml lists, and the schema registry's (read schemas, changelogs and checks; publish
 * subgraphs, operations, variants). Read from rover.yaml, so a new subgraph brings its scopes
 * without an edit here (an edit here rebuilt every package that depends on the kit).
 */
export const API_KEY_SCOPES: readonly string[] = Object.freeze([
  ...readSubgraphs().flatMap(({ name }) => [`${name}:read`, `${name}:write`]),
  "registry:read",
  "registry:write",
]);

/** Whether a field accepting `scopes` accepts every scope there is (any key with a scope calls it). */
export function acceptsEveryScope(scopes: readonly string[]): boolean {
  return scopes.length === API_KEY_SCOPES.length && API_KEY_SCOPES.every((scope) => scopes.includes(scope));
}

export type ApiKeyScope = `${string}:${"read" | "write"}`;

export function isApiKeyScope(value: string): value is ApiKeyScope {
  return API_KEY_SCOPES.includes(value);
}

/** Scopes of the schema registry, which only an ADMIN may grant. */
export function isRegistryScope(scope: string): boolean {
  return scope.startsWith("registry:");
}

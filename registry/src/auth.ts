import type { NextFunction, Request, Response } from "express";
import { API_KEY_PREFIX, InternalCallFailed, callInternal, verifyServiceToken } from "@solo/kit";
import { API_KEY_MAX_LENGTH, verifyApiKeyRoute } from "@solo/users/internal-api";
import { RegistryError } from "./errors";

export type RegistryScope = "registry:read" | "registry:write";

/** Who calls: a partner's API key (its scopes, perhaps bound to a variant), or a platform service (both scopes). */
export type Caller = { kind: "service"; name: string } | { kind: "apiKey"; apiKeyId: string; userId: string; scopes: string[]; variant: string | null };

declare module "express-serve-static-core" {
  interface Request {
    caller?: Caller;
  }
}

/** The author recorded for what a caller publishes when the request names none. */
export const callerName = (caller: Caller): string => (caller.kind === "service" ? `service:${caller.name}` : `apiKey:${caller.apiKeyId}`);

/** write implies read. */
export function holds(caller: Caller, scope: RegistryScope): boolean {
  if (caller.kind === "service") return true;
  return caller.scopes.includes(scope) || (scope === "registry:read" && caller.scopes.includes("registry:write"));
}

/** An API key (checked with the users subgraph, failing closed) or a platform service token. */
export async function identify(credential: string, usersUrl: string | undefined): Promise<Caller> {
  if (credential.startsWith(API_KEY_PREFIX)) {
    if (credential.length > API_KEY_MAX_LENGTH) throw new RegistryError(401, "UNAUTHENTICATED", "unknown or revoked API key");
    if (!usersUrl) throw new RegistryError(503, "SERVICE_UNAVAILABLE", "API keys cannot be checked: the registry has no users subgraph (SUBGRAPH_URL_USERS)");
    let answer;
    try {
      answer = await callInternal(verifyApiKeyRoute, usersUrl, { key: credential }, { caller: "registry" });
    } catch (error) {
      if (error instanceof InternalCallFailed)
        throw new RegistryError(503, "SERVICE_UNAVAILABLE", "API keys cannot be checked right now: the users subgraph did not answer");
      throw error;
    }
    if (answer.status !== 200) throw new RegistryError(401, "UNAUTHENTICATED", "unknown or revoked API key");
    const { apiKeyId, userId, scopes, variant } = answer.body;
    return { kind: "apiKey", apiKeyId, userId, scopes, variant };
  }
  const service = await verifyServiceToken(credential);
  if (!service) throw new RegistryError(401, "UNAUTHENTICATED", "the credential is neither an API key nor a valid service token");
  return { kind: "service", name: service };
}

function presentedCredential(req: Request): string | undefined {
  const key = req.header("x-api-key");
  if (key) return key;
  const match = /^Bearer (.+)$/i.exec(req.header("authorization") ?? "");
  return match?.[1];
}

/** Sets req.caller for every route after it, or answers 401/503. */
export function authenticate(usersUrl: string | undefined) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    // What the registry answers depends on the key (a bound key sees its variant): no shared cache may keep it for another.
    res.vary("x-api-key").vary("authorization");
    res.setHeader("cache-control", "private");
    const credential = presentedCredential(req);
    if (!credential) throw new RegistryError(401, "UNAUTHENTICATED", "send a registry API key in x-api-key (or Authorization: Bearer)");
    req.caller = await identify(credential, usersUrl);
    next();
  };
}

/**
 * The route's scope, or 403. A key bound to a variant may read only what the route filters to that
 * variant (`variantFiltered`); everything else of the whole graph (subgraphs, their SDL, checks,
 * operations, usage) and every write are refused to it.
 */
export function requireScope(scope: RegistryScope, options: { variantFiltered?: boolean } = {}) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (!req.caller) throw new RegistryError(401, "UNAUTHENTICATED", "not authenticated");
    if (!holds(req.caller, scope)) throw new RegistryError(403, "FORBIDDEN", `this API key lacks the ${scope} scope`);
    const bound = boundVariant(req.caller);
    if (bound && (scope === "registry:write" || !options.variantFiltered)) {
      throw new RegistryError(403, "FORBIDDEN", `this API key is bound to variant ${bound}: it reads that variant's API schema and changelog only`);
    }
    next();
  };
}

/** A key bound to a variant reads that variant's schema only. */
export function boundVariant(caller: Caller): string | null {
  return caller.kind === "apiKey" ? caller.variant : null;
}

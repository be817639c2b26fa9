import type { Identity, Logger, RoleName } from "@solo/kit";
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, ANONYMOUS, API_KEY_PREFIX, BoundedMap, ROLES, callInternal, platformSecrets, requestError } from "@solo/kit";
import { verifyApiKeyRoute, verifySessionRoute } from "@solo/users/internal-api";
import { errors as joseErrors, importSPKI, jwtVerify } from "jose";
import type { CheckSource, CredentialCache } from "./credential-cache";

/**
 * Credentials that fail are refused (401) even where the data is public, so that a client never
 * mistakes its broken login for an anonymous one; the message says how to get the public answer.
 */
const DROP_TO_READ_PUBLIC = (header: string) => `, or send no ${header} header to read public data (published courses, the catalog) anonymously`;

/** How many checked access tokens a gateway remembers (oldest out first). */
const CHECKED_TOKENS = 10_000;

const tokenExpired = () =>
  requestError("UNAUTHENTICATED", `Access token expired: refresh the session (refreshSession) and send the new one${DROP_TO_READ_PUBLIC("Authorization")}`, {
    reason: "TOKEN_EXPIRED",
  });

export interface Credentials {
  authorization?: string;
  apiKey?: string;
}

export interface AuthenticatorOptions {
  usersUrl: () => string | undefined;
  logger: Logger;
  /** The users subgraph's answers, kept until a change it announces (or their time) drops them. */
  cache: CredentialCache;
  /** Each session or key check, and where its answer came from. */
  onCheck?: (kind: "session" | "api_key", source: CheckSource) => void;
}

/**
 * Turns a request's credentials into an Identity, once per request, at the gateway. An access
 * token's signature is checked here (EdDSA public key), its session with the users subgraph, which
 * owns sessions and keys, through the credential cache: a logout, a revoked key or a changed role
 * holds from the next request, because users announces each and the cache drops what it touches.
 */
export function createAuthenticator(options: AuthenticatorOptions) {
  let publicKey: ReturnType<typeof importSPKI> | undefined;

  /**
   * Asks the users subgraph, which owns keys and sessions. Fails closed: unreachable, or an answer
   * that is neither a declared one nor of the declared shape, and nobody is let in.
   */
  async function askUsers<Answer>(call: (usersUrl: string) => Promise<Answer>): Promise<Answer> {
    const unavailable = () => requestError("SERVICE_UNAVAILABLE", "Credentials cannot be checked right now");
    const usersUrl = options.usersUrl();
    if (!usersUrl) throw unavailable();
    return call(usersUrl).catch((error: unknown) => {
      // The client only hears that credentials cannot be checked; the log says why (unreachable,
      // an undeclared status, an answer of the wrong shape after a version skew).
      options.logger.warn({ err: error }, "credentials check with the users subgraph failed");
      throw unavailable();
    });
  }

  async function verifyAccessToken(token: string): Promise<Identity> {
    const claims = await verifySignature(token);
    const { answer: session, source } = await options.cache.session(
      claims.sessionId,
      claims.userId,
      () => askUsers((usersUrl) => callInternal(verifySessionRoute, usersUrl, { sessionId: claims.sessionId, userId: claims.userId }, { caller: "gateway" })),
      (answer) => (answer.status === 200 ? { userId: claims.userId, id: claims.sessionId } : undefined),
    );
    options.onCheck?.("session", source);
    if (session.status === 404) {
      throw requestError("UNAUTHENTICATED", `This login has ended: sign in again${DROP_TO_READ_PUBLIC("Authorization")}`, { reason: "SESSION_ENDED" });
    }
    // The role as it is now, not as it was when the token was signed.
    return { ...claims, role: session.body.role };
  }

  /**
   * Access tokens whose signature has been checked, with their claims: a client sends the same one
   * for up to 15 minutes, and an EdDSA check is the dearest step of a request's authentication.
   * Expiry is checked on every request all the same; a logout or a role change is the session
   * check's business, which this does not skip.
   */
  const checkedTokens = new BoundedMap<string, { user: Extract<Identity, { kind: "user" }>; exp: number }>(CHECKED_TOKENS);

  async function verifySignature(token: string): Promise<Extract<Identity, { kind: "user" }>> {
    const checked = checkedTokens.get(token);
    if (checked) {
      if (checked.exp > Math.floor(Date.now() / 1000)) return checked.user;
      checkedTokens.delete(token);
      throw tokenExpired();
    }
    publicKey ??= importSPKI(platformSecrets().jwtPublicKey, "EdDSA");
    try {
      const { payload } = await jwtVerify(token, await publicKey, {
        algorithms: ["EdDSA"],
        issuer: ACCESS_TOKEN_ISSUER,
        audience: ACCESS_TOKEN_AUDIENCE,
      });
      const role = payload.role as RoleName;
      if (typeof payload.sub !== "string" || typeof payload.sid !== "string" || !ROLES.includes(role) || typeof payload.exp !== "number") {
        throw new Error("claims");
      }
      const user = { kind: "user" as const, userId: payload.sub, role, sessionId: payload.sid };
      checkedTokens.set(token, { user, exp: payload.exp });
      return user;
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw tokenExpired();
      throw requestError("UNAUTHENTICATED", `Invalid access token: sign in again or refresh the session${DROP_TO_READ_PUBLIC("Authorization")}`, {
        reason: "TOKEN_INVALID",
      });
    }
  }

  async function verifyApiKey(key: string, header: string): Promise<Identity> {
    const invalid = () => requestError("UNAUTHENTICATED", `Invalid or revoked API key: check the key${DROP_TO_READ_PUBLIC(header)}`, { reason: "API_KEY_INVALID" });
    // A key the users subgraph would refuse to look up (empty, or longer than any header carries) is no key.
    if (!verifyApiKeyRoute.request.safeParse({ key }).success) throw invalid();
    const { answer: verified, source } = await options.cache.apiKey(
      key,
      () => askUsers((usersUrl) => callInternal(verifyApiKeyRoute, usersUrl, { key }, { caller: "gateway" })),
      (answer) => (answer.status === 200 ? { userId: answer.body.userId, id: answer.body.apiKeyId } : undefined),
    );
    options.onCheck?.("api_key", source);
    if (verified.status === 404) throw invalid();
    return { kind: "apiKey", ...verified.body };
  }

  return async function authenticate(credentials: Credentials): Promise<Identity> {
    const bearer = credentials.authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
    if (credentials.authorization && !bearer) {
      throw requestError("UNAUTHENTICATED", `Authorization must be \`Bearer <token>\`${DROP_TO_READ_PUBLIC("Authorization")}`, { reason: "TOKEN_INVALID" });
    }
    if (bearer && credentials.apiKey) {
      throw requestError("BAD_REQUEST", "Send either a bearer token or an x-api-key header, not both");
    }
    const apiKey = credentials.apiKey ?? (bearer?.startsWith(API_KEY_PREFIX) ? bearer : undefined);
    if (apiKey) return verifyApiKey(apiKey, credentials.apiKey ? "x-api-key" : "Authorization");
    if (bearer) return verifyAccessToken(bearer);
    return ANONYMOUS;
  };
}

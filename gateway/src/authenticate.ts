import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  ANONYMOUS,
  API_KEY_PREFIX,
  Identity,
  ROLES,
  RoleName,
  platformSecrets,
  requestError,
  signServiceToken,
} from "@solo/kit";
import { errors as joseErrors, importSPKI, jwtVerify } from "jose";


export interface Credentials {
  authorization?: string;
  apiKey?: string;
}

/**
 * Turns a request's credentials into an Identity, once per request, at the gateway. Access tokens
 * are verified locally (EdDSA public key); API keys are checked with the users subgraph, which
 * owns them, so a revoked key stops working on the next request.
 */
export function createAuthenticator(options: { apiKeyVerifyUrl: () => string | undefined }) {
  let publicKey: ReturnType<typeof importSPKI> | undefined;

  async function verifyAccessToken(token: string): Promise<Identity> {
    publicKey ??= importSPKI(platformSecrets().jwtPublicKey, "EdDSA");
    try {
      const { payload } = await jwtVerify(token, await publicKey, {
        algorithms: ["EdDSA"],
        issuer: ACCESS_TOKEN_ISSUER,
        audience: ACCESS_TOKEN_AUDIENCE,
      });
      const role = payload.role as RoleName;
      if (typeof payload.sub !== "string" || typeof payload.sid !== "string" || !ROLES.includes(role)) {
        throw new Error("claims");
      }
      return { kind: "user", userId: payload.sub, role, sessionId: payload.sid };
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) {
        throw requestError("UNAUTHENTICATED", "Access token expired: refresh the session", { reason: "TOKEN_EXPIRED" });
      }
      throw requestError("UNAUTHENTICATED", "Invalid access token", { reason: "TOKEN_INVALID" });
    }
  }

  async function verifyApiKey(key: string): Promise<Identity> {
    const url = options.apiKeyVerifyUrl();
    if (!url) throw requestError("SERVICE_UNAVAILABLE", "API keys cannot be checked right now");
    let response: Response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${await signServiceToken("gateway")}` },
        body: JSON.stringify({ key }),
        signal: AbortSignal.timeout(5_000),
      });
    } catch {
      throw requestError("SERVICE_UNAVAILABLE", "API keys cannot be checked right now");
    }
    if (response.status === 404) {
      throw requestError("UNAUTHENTICATED", "Invalid or revoked API key", { reason: "API_KEY_INVALID" });
    }
    if (!response.ok) throw requestError("SERVICE_UNAVAILABLE", "API keys cannot be checked right now");
    const body = (await response.json()) as { apiKeyId: string; userId: string; role: RoleName; scopes: string[] };
    return { kind: "apiKey", apiKeyId: body.apiKeyId, userId: body.userId, role: body.role, scopes: body.scopes };
  }

  return async function authenticate(credentials: Credentials): Promise<Identity> {
    const bearer = credentials.authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
    if (credentials.authorization && !bearer) {
      throw requestError("UNAUTHENTICATED", "Authorization must be `Bearer <token>`", { reason: "TOKEN_INVALID" });
    }
    if (bearer && credentials.apiKey) {
      throw requestError("BAD_REQUEST", "Send either a bearer token or an x-api-key header, not both");
    }
    const apiKey = credentials.apiKey ?? (bearer?.startsWith(API_KEY_PREFIX) ? bearer : undefined);
    if (apiKey) return verifyApiKey(apiKey);
    if (bearer) return verifyAccessToken(bearer);
    return ANONYMOUS;
  };
}

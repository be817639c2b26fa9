import { SignJWT, jwtVerify } from "jose";
import { platformSecrets } from "./secrets";

export const ROLES = ["STUDENT", "INSTRUCTOR", "MARKETER", "ADMIN"] as const;
export type RoleName = (typeof ROLES)[number];

/** Who a request acts for, as established once by the gateway. */
export type Identity =
  | { kind: "anonymous" }
  | { kind: "user"; userId: string; role: RoleName; sessionId: string }
  | { kind: "apiKey"; userId: string; role: RoleName; apiKeyId: string; scopes: string[] };

export const ANONYMOUS: Identity = { kind: "anonymous" };

/** Access tokens (signed by the users subgraph, verified by the gateway) carry these claims. */
export const ACCESS_TOKEN_ISSUER = "solo";
export const ACCESS_TOKEN_AUDIENCE = "solo-api";

/** Header that carries the gateway-signed identity to subgraphs. */
export const IDENTITY_HEADER = "x-solo-identity";
export const REQUEST_ID_HEADER = "x-request-id";

const ISSUER = "solo-gateway";
const AUDIENCE = "solo-subgraphs";
const LIFETIME_SECONDS = 60;

const key = () => new TextEncoder().encode(platformSecrets().internalSecret);

/** Signed by the gateway (or a trusted internal caller) for one request. */
export async function signIdentity(identity: Identity): Promise<string> {
  return new SignJWT({ identity })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${LIFETIME_SECONDS}s`)
    .sign(key());
}

/**
 * A subgraph trusts only what the gateway signed: a missing, forged or expired header means an
 * anonymous caller, who sees public fields only.
 */
export async function verifyIdentity(token: string | undefined): Promise<Identity> {
  if (!token) return ANONYMOUS;
  try {
    const { payload } = await jwtVerify(token, key(), {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ["HS256"],
    });
    const identity = payload.identity as Identity | undefined;
    if (!identity || !["anonymous", "user", "apiKey"].includes(identity.kind)) return ANONYMOUS;
    return identity;
  } catch {
    return ANONYMOUS;
  }
}

export function isSignedIn(identity: Identity): identity is Exclude<Identity, { kind: "anonymous" }> {
  return identity.kind !== "anonymous";
}

export function isAdmin(identity: Identity): boolean {
  return identity.kind !== "anonymous" && identity.role === "ADMIN";
}

const SERVICE_AUDIENCE = "solo-internal";

/** Authenticates one platform service to another's /internal endpoints. */
export async function signServiceToken(service: string): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(service)
    .setAudience(SERVICE_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime("60s")
    .sign(key());
}

export async function verifyServiceToken(token: string | undefined): Promise<string | null> {
  if (!token) return null;
  try {
    const { payload } = await jwtVerify(token, key(), { audience: SERVICE_AUDIENCE, algorithms: ["HS256"] });
    return payload.sub ?? null;
  } catch {
    return null;
  }
}

import crypto from "node:crypto";
import { BoundedMap } from "./bounded-map";
import type { Clock } from "./clock";
import { signHs256, verifyHs256 } from "./hs256";
import { systemClock } from "./clock";
import type { RoleName } from "./roles";
import { platformSecrets } from "./secrets";

export { ROLES, type RoleName } from "./roles";

/** Who a request acts for, as established once by the gateway. */
export type Identity =
  | { kind: "anonymous" }
  | { kind: "user"; userId: string; role: RoleName; sessionId: string }
  | {
      kind: "apiKey";
      userId: string;
      role: RoleName;
      apiKeyId: string;
      scopes: string[];
      /** The gateway serves this key trusted documents only (published operations, by hash). */
      trustedDocumentsOnly?: boolean;
      /** The registry variant (a filtered API) this key is served; null or absent: the whole API. */
      variant?: string | null;
    };

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
/**
 * What a signed identity must have left when a fetch leaves with it. The subgraph checks it on
 * arrival, so this covers the way there and the difference between the two machines' clocks.
 */
export const SIGNED_IDENTITY_MIN_REMAINING_MS = 30_000;

const secret = () => platformSecrets().internalSecret;

/** The `exp` (whole seconds) of an identity signed at `now`. */
const expiryOf = (now: Date) => Math.floor(now.getTime() / 1000) + LIFETIME_SECONDS;

/** Signed by the gateway (or a trusted internal caller) for one request, valid for 60 s from `now`. */
export async function signIdentity(identity: Identity, now: Date = new Date()): Promise<string> {
  return signIdentityNow(identity, now);
}

function signIdentityNow(identity: Identity, now: Date): string {
  const expiresAt = expiryOf(now);
  return signHs256({ identity, iss: ISSUER, aud: AUDIENCE, iat: expiresAt - LIFETIME_SECONDS, exp: expiresAt }, secret());
}

/**
 * Tokens signed lately, by what they say (an identity, a service's name): a gateway sends the same
 * caller's requests one token while it has the margin left, so a subgraph checks its signature once
 * (verifyHs256 remembers it) rather than on every request. A role change or another key is another
 * identity, and so another token.
 */
const REUSABLE = 10_000;
const recentTokens = new BoundedMap<string, { secret: string; signedAtMs: number; expiresAtMs: number; token: string }>(REUSABLE);

function reuseOrSign(subject: string, now: Date, sign: (now: Date) => string): { expiresAtMs: number; token: string } {
  const nowMs = now.getTime();
  const recent = recentTokens.get(subject);
  // Signed before now (a test's clock may go back), by this secret, and with the margin left.
  if (recent && recent.secret === secret() && recent.signedAtMs <= nowMs && recent.expiresAtMs - nowMs >= SIGNED_IDENTITY_MIN_REMAINING_MS) return recent;
  const signed = { secret: secret(), signedAtMs: nowMs, expiresAtMs: expiryOf(now) * 1000, token: sign(now) };
  recentTokens.set(subject, signed);
  return signed;
}

/**
 * One request's identity as its subgraph fetches carry it: a token of this identity's signed lately
 * (see reuseOrSign) or a new one. Its fetches may run one after another, each allowed up to
 * SUBGRAPH_TIMEOUT_MS, so a slow request takes a new token once its own has less than
 * SIGNED_IDENTITY_MIN_REMAINING_MS left, rather than send a later fetch with an expired one.
 */
export class SignedIdentity {
  private current?: { expiresAtMs: number; token: string };

  constructor(
    private readonly identity: Identity,
    private readonly clock: Clock = systemClock,
  ) {}

  token(): Promise<string> {
    const now = this.clock.now();
    if (!this.current || this.current.expiresAtMs - now.getTime() < SIGNED_IDENTITY_MIN_REMAINING_MS) {
      this.current = reuseOrSign(`identity ${JSON.stringify(this.identity)}`, now, (at) => signIdentityNow(this.identity, at));
    }
    return Promise.resolve(this.current.token);
  }
}

/** The identity the gateway signed, or null for a missing, forged, expired or malformed header. */
export async function readSignedIdentity(token: string | undefined): Promise<Identity | null> {
  if (!token) return null;
  const claims = verifyHs256(token, secret(), { issuer: ISSUER, audience: AUDIENCE, nowSeconds: Math.floor(Date.now() / 1000) });
  const identity = claims?.identity as Identity | undefined;
  if (!identity || typeof identity !== "object" || !["anonymous", "user", "apiKey"].includes(identity.kind)) return null;
  return identity;
}

/**
 * For routes already limited to platform services (/internal): a missing, forged or expired
 * identity means the service acts for an anonymous caller, who sees public fields only.
 */
export async function verifyIdentity(token: string | undefined): Promise<Identity> {
  return (await readSignedIdentity(token)) ?? ANONYMOUS;
}

/**
 * Header by which a gateway that holds INTERNAL_TOKEN_SECRET but cannot sign identities (a stock
 * `@apollo/gateway` or Hive Gateway put in front for comparison, a benchmark) calls a subgraph's
 * /graphql as an anonymous caller.
 */
export const GATEWAY_KEY_HEADER = "x-solo-gateway-key";
const GATEWAY_KEY_LABEL = "solo anonymous gateway";

/** HMAC-SHA256(INTERNAL_TOKEN_SECRET, "solo anonymous gateway"), base64url: static per secret. */
let gatewayKey: { secret: string; key: string } | undefined;

export function anonymousGatewayKey(): string {
  const secret = platformSecrets().internalSecret;
  // Asked on every anonymous request a subgraph serves: one HMAC per secret, not per request.
  if (gatewayKey?.secret !== secret) gatewayKey = { secret, key: crypto.createHmac("sha256", secret).update(GATEWAY_KEY_LABEL).digest("base64url") };
  return gatewayKey.key;
}

export function isAnonymousGatewayKey(presented: string | undefined): boolean {
  if (!presented) return false;
  const expected = Buffer.from(anonymousGatewayKey());
  const given = Buffer.from(presented);
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

export function isSignedIn(identity: Identity): identity is Exclude<Identity, { kind: "anonymous" }> {
  return identity.kind !== "anonymous";
}

export function isAdmin(identity: Identity): boolean {
  return identity.kind !== "anonymous" && identity.role === "ADMIN";
}

const SERVICE_AUDIENCE = "solo-internal";

/** Authenticates one platform service to another's /internal endpoints (one token per service, reused as an identity's is). */
export async function signServiceToken(service: string): Promise<string> {
  return reuseOrSign(`service ${service}`, new Date(), (now) => {
    const expiresAt = expiryOf(now);
    return signHs256({ sub: service, aud: SERVICE_AUDIENCE, iat: expiresAt - LIFETIME_SECONDS, exp: expiresAt }, secret());
  }).token;
}

export async function verifyServiceToken(token: string | undefined): Promise<string | null> {
  if (!token) return null;
  const claims = verifyHs256(token, secret(), { audience: SERVICE_AUDIENCE, nowSeconds: Math.floor(Date.now() / 1000) });
  return typeof claims?.sub === "string" ? claims.sub : null;
}

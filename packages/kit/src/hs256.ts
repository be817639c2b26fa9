import crypto from "node:crypto";
import { BoundedMap } from "./bounded-map";

/**
 * HS256 JSON Web Tokens (RFC 7519) for what platform services sign for one another: forwarded
 * identities and service tokens. Every request carries one across each hop, and jose's WebCrypto
 * HMAC costs about 120 µs per sign or verify against 20 µs for node:crypto's, so these are signed
 * and checked here; the tokens are the same standard JWTs (jose reads them, and the tests use it to
 * forge ones these must refuse).
 */

export type Claims = Record<string, unknown> & { iss?: string; aud?: string | string[]; sub?: string; iat?: number; exp?: number; nbf?: number };

const HEADER = Buffer.from(JSON.stringify({ alg: "HS256" })).toString("base64url");

export function signHs256(claims: Claims, secret: string): string {
  const signingInput = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}`;
  return `${signingInput}.${crypto.createHmac("sha256", secret).update(signingInput).digest("base64url")}`;
}

export interface Expected {
  issuer?: string;
  audience: string;
  /** Seconds since the epoch. */
  nowSeconds: number;
}

/** How many verified tokens a process remembers (a gateway reuses an identity's for half a minute). */
const REMEMBERED = 10_000;
const verified = new BoundedMap<string, { secret: string; claims: Claims }>(REMEMBERED);

/**
 * The claims of a token signed with `secret` that has an `exp` and meets `expected`, else null: a
 * bad shape, another algorithm (`none` included) or key, a critical header it does not know,
 * expired, not yet valid, or for another issuer or audience. A signature is a pure function of the
 * token, so one already checked is not checked again; its times and audience are, every time.
 */
export function verifyHs256(token: string, secret: string, expected: Expected): Claims | null {
  const known = verified.get(token);
  const claims = known && known.secret === secret ? known.claims : checkSignature(token, secret);
  if (!claims) return null;
  if (!known) verified.set(token, { secret, claims });
  if (typeof claims.exp !== "number" || claims.exp <= expected.nowSeconds) return null;
  if (claims.nbf !== undefined && (typeof claims.nbf !== "number" || claims.nbf > expected.nowSeconds)) return null;
  if (claims.iat !== undefined && typeof claims.iat !== "number") return null;
  if (expected.issuer !== undefined && claims.iss !== expected.issuer) return null;
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(expected.audience)) return null;
  return claims;
}

function checkSignature(token: string, secret: string): Claims | null {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  const [encodedHeader, encodedClaims, signature] = parts;
  const header = parseJson(encodedHeader);
  if (!header || header.alg !== "HS256" || "crit" in header || "b64" in header) return null;
  const expected = crypto.createHmac("sha256", secret).update(`${encodedHeader}.${encodedClaims}`).digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null;
  return parseJson(encodedClaims);
}

function parseJson(encoded: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(encoded, "base64url").toString("utf8"));
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

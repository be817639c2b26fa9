import crypto from "node:crypto";
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, envInt, platformSecrets } from "@solo/kit";
import { SignJWT, importPKCS8 } from "jose";
import type { Role } from "../entities";

const accessTokenTtlSeconds = () => envInt("ACCESS_TOKEN_TTL_SECONDS", 900);
export const refreshTokenTtlDays = () => envInt("REFRESH_TOKEN_TTL_DAYS", 30);

let signingKey: ReturnType<typeof importPKCS8> | undefined;

export async function issueAccessToken(user: { id: string; role: Role }, sessionId: string) {
  signingKey ??= importPKCS8(platformSecrets().jwtPrivateKey, "EdDSA");
  const expiresAt = new Date(Math.floor(Date.now() / 1000) * 1000 + accessTokenTtlSeconds() * 1000);
  const accessToken = await new SignJWT({ role: user.role, sid: sessionId })
    .setProtectedHeader({ alg: "EdDSA", typ: "JWT" })
    .setSubject(user.id)
    .setIssuer(ACCESS_TOKEN_ISSUER)
    .setAudience(ACCESS_TOKEN_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(expiresAt)
    .sign(await signingKey);
  return { accessToken, expiresAt };
}

/** Opaque, 256 random bits; stored only as a hash. */
export function newOpaqueSecret(): string {
  return crypto.randomBytes(32).toString("base64url");
}

export function sha256(value: string): string {
  return crypto.createHash("sha256").update(value).digest("hex");
}

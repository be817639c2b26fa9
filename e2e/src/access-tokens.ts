import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, platformSecrets } from "@solo/kit";
import { SignJWT, importPKCS8 } from "jose";

/**
 * An access token as the users subgraph signs one (EdDSA, our issuer and audience), with the times
 * and claims a test chooses: expired, about to expire, or signed with another key (`privateKey`, PEM).
 */
export async function signAccessToken(
  subject: string,
  claims: Record<string, unknown>,
  times: { issuedAt: number; expiresAt: number | string },
  privateKey = platformSecrets().jwtPrivateKey,
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "EdDSA" })
    .setSubject(subject)
    .setIssuer(ACCESS_TOKEN_ISSUER)
    .setAudience(ACCESS_TOKEN_AUDIENCE)
    .setIssuedAt(times.issuedAt)
    .setExpirationTime(times.expiresAt)
    .sign(await importPKCS8(privateKey, "EdDSA"));
}

import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { dataDir, isProduction } from "./config";

/**
 * Keys every process must agree on. In production they come from the environment; in development
 * one set is generated on first use and kept under .data/ so that tokens survive a restart.
 */
export interface PlatformSecrets {
  /** PEM, Ed25519: signs access tokens (users subgraph only). */
  jwtPrivateKey: string;
  /** PEM, Ed25519: verifies access tokens (gateway). */
  jwtPublicKey: string;
  /** HMAC key for the identity the gateway forwards to subgraphs. */
  internalSecret: string;
}

let cached: PlatformSecrets | undefined;

export function platformSecrets(): PlatformSecrets {
  if (cached) return cached;
  const fromEnv = {
    jwtPrivateKey: process.env.JWT_PRIVATE_KEY,
    jwtPublicKey: process.env.JWT_PUBLIC_KEY,
    internalSecret: process.env.INTERNAL_TOKEN_SECRET,
  };
  const dev = fromEnv.jwtPublicKey && fromEnv.internalSecret ? undefined : developmentSecrets();
  cached = {
    jwtPrivateKey: unescapePem(fromEnv.jwtPrivateKey) ?? dev?.jwtPrivateKey ?? "",
    jwtPublicKey: unescapePem(fromEnv.jwtPublicKey) ?? dev!.jwtPublicKey,
    internalSecret: fromEnv.internalSecret ?? dev!.internalSecret,
  };
  if (cached.internalSecret.length < 32) {
    throw new Error("INTERNAL_TOKEN_SECRET must be at least 32 characters");
  }
  return cached;
}

/** PEM keys in .env files often arrive with literal "\n". */
function unescapePem(value: string | undefined): string | undefined {
  return value ? value.replace(/\\n/g, "\n") : undefined;
}

function developmentSecrets(): PlatformSecrets {
  if (isProduction()) {
    throw new Error("JWT_PUBLIC_KEY, JWT_PRIVATE_KEY and INTERNAL_TOKEN_SECRET must be set in production");
  }
  const file = path.join(dataDir(), "dev-secrets.json");
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as PlatformSecrets;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const { privateKey, publicKey } = crypto.generateKeyPairSync("ed25519");
  const secrets: PlatformSecrets = {
    jwtPrivateKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    jwtPublicKey: publicKey.export({ type: "spki", format: "pem" }).toString(),
    internalSecret: crypto.randomBytes(32).toString("base64url"),
  };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    // "wx": when several processes start at once, the first writer wins and the others read its keys.
    fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { flag: "wx", mode: 0o600 });
    return secrets;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return JSON.parse(fs.readFileSync(file, "utf8")) as PlatformSecrets;
  }
}

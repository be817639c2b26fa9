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

/** Empty counts as unset (compose files pass `${VAR:-}`); PEM keys in .env files often carry literal "\n". */
function env(name: string): string | undefined {
  const value = process.env[name];
  return value ? value.replace(/\\n/g, "\n") : undefined;
}

export function platformSecrets(): PlatformSecrets {
  if (cached) return cached;
  const jwtPrivateKey = env("JWT_PRIVATE_KEY");
  const jwtPublicKey = env("JWT_PUBLIC_KEY");
  const internalSecret = env("INTERNAL_TOKEN_SECRET");
  const configured = [jwtPrivateKey, jwtPublicKey, internalSecret].filter(Boolean).length;
  if (configured === 3) {
    cached = { jwtPrivateKey: jwtPrivateKey!, jwtPublicKey: jwtPublicKey!, internalSecret: internalSecret! };
  } else if (configured === 0) {
    cached = developmentSecrets();
  } else {
    // A public key from one place and a private key from another would verify nothing it signs.
    throw new Error("Set all of JWT_PRIVATE_KEY, JWT_PUBLIC_KEY and INTERNAL_TOKEN_SECRET, or none of them");
  }
  if (cached.internalSecret.length < 32) throw new Error("INTERNAL_TOKEN_SECRET must be at least 32 characters");
  return cached;
}

function developmentSecrets(): PlatformSecrets {
  if (isProduction()) {
    throw new Error("JWT_PRIVATE_KEY, JWT_PUBLIC_KEY and INTERNAL_TOKEN_SECRET must be set in production");
  }
  const file = path.join(dataDir(), "dev-secrets.json");
  const existing = readSecrets(file);
  if (existing) return existing;
  const { privateKey, publicKey } = crypto.generateKeyPairSync("ed25519");
  const secrets: PlatformSecrets = {
    jwtPrivateKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    jwtPublicKey: publicKey.export({ type: "spki", format: "pem" }).toString(),
    internalSecret: crypto.randomBytes(32).toString("base64url"),
  };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Written whole to a private name, then linked into place: the link fails if another process
  // got there first, and a reader never sees a half-written file.
  const draft = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}`;
  fs.writeFileSync(draft, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  try {
    fs.linkSync(draft, file);
    return secrets;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return readSecrets(file)!;
  } finally {
    fs.rmSync(draft, { force: true });
  }
}

function readSecrets(file: string): PlatformSecrets | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as PlatformSecrets;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

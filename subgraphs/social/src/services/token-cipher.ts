import crypto from "node:crypto";
import { platformSecrets } from "@solo/kit";

/**
 * Platform access tokens at rest: AES-256-GCM, a fresh 96-bit IV per token, the account's id as
 * associated data (a ciphertext copied onto another account's row does not decrypt), stored as
 * `v1:<key id>:<iv>:<tag>:<ciphertext>` (base64url). The key id names which key of the ring sealed
 * it, so keys rotate without a flag day: put the new key first, the `reseal-platform-tokens` job
 * re-seals every token under it (at start, then hourly: token-rotation.ts), then drop the old key.
 */
export class TokenCipher {
  private readonly keys: Map<string, Buffer>;
  private readonly currentId: string;

  /** `ring`: `id:base64key,id:base64key`, the first current; empty derives a development key. */
  constructor(ring: string) {
    const entries = ring ? parseRing(ring) : [["dev", developmentKey()] as const];
    this.keys = new Map(entries);
    this.currentId = entries[0][0];
  }

  seal(token: string, accountId: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv("aes-256-gcm", this.keys.get(this.currentId)!, iv);
    cipher.setAAD(Buffer.from(accountId));
    const ciphertext = Buffer.concat([cipher.update(token, "utf8"), cipher.final()]);
    return ["v1", this.currentId, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ciphertext.toString("base64url")].join(":");
  }

  open(sealed: string, accountId: string): string {
    const [version, keyId, iv, tag, ciphertext] = sealed.split(":");
    const key = this.keys.get(keyId);
    if (version !== "v1" || !key || !iv || !tag || ciphertext === undefined)
      throw new Error(`a token sealed under key "${keyId}", which SOCIAL_TOKEN_KEYS does not hold`);
    // The tag's length fixed: GCM would otherwise accept the first 4 bytes of the right tag alone.
    const decipher = crypto.createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(accountId));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
  }

  /** Whether a sealed token is under an older key than the current one. */
  isStale(sealed: string): boolean {
    return sealed.split(":")[1] !== this.currentId;
  }

  /** The current key's id: rows sealed under any other are stale. */
  get currentKeyId(): string {
    return this.currentId;
  }
}

const TAG_BYTES = 16;

function parseRing(ring: string): (readonly [string, Buffer])[] {
  const entries = ring.split(",").map((entry) => {
    const [id, encoded, extra] = entry.trim().split(":");
    const key = Buffer.from(encoded ?? "", "base64");
    if (!id || !/^[A-Za-z0-9_-]{1,32}$/.test(id) || extra !== undefined || key.length !== 32) {
      throw new Error("SOCIAL_TOKEN_KEYS: each entry is <id>:<base64 of 32 random bytes> (id: letters, digits, _ or -), comma-separated");
    }
    return [id, key] as const;
  });
  const twice = entries.find(([id], index) => entries.findIndex(([other]) => other === id) !== index);
  if (twice) throw new Error(`SOCIAL_TOKEN_KEYS: the key id "${twice[0]}" appears twice`);
  return entries;
}

/** Development only (production requires SOCIAL_TOKEN_KEYS): stable across restarts, as the dev secrets are. */
function developmentKey(): Buffer {
  return Buffer.from(crypto.hkdfSync("sha256", platformSecrets().internalSecret, "solo", "social platform tokens", 32));
}

import crypto from "node:crypto";
import type { EntityManager } from "@mikro-orm/postgresql";
import { API_KEY_PREFIX } from "@solo/kit";
import type { User } from "../entities";
import { ApiKey } from "../entities";
import { newOpaqueSecret, sha256 } from "./tokens";

const FORMAT = new RegExp(`^${API_KEY_PREFIX}([0-9a-f]{32})_([A-Za-z0-9_-]{43})$`);

/** `solo_<key id>_<secret>`: the id finds the row, the secret is compared by hash. */
export function newApiKeySecret(keyId: string): { secret: string; secretHash: string } {
  const secret = newOpaqueSecret();
  return { secret: `${API_KEY_PREFIX}${keyId.replace(/-/g, "")}_${secret}`, secretHash: sha256(secret) };
}

export interface VerifiedApiKey {
  apiKeyId: string;
  userId: string;
  role: User["role"];
  scopes: string[];
  trustedDocumentsOnly: boolean;
  variant: string | null;
}

const LAST_USED_RESOLUTION_MS = 60_000;

/** The key's owner and scopes, or null for an unknown, malformed or revoked key. */
export async function verifyApiKey(em: EntityManager, presented: string): Promise<VerifiedApiKey | null> {
  const match = FORMAT.exec(presented);
  if (!match) return null;
  const id = match[1].replace(/(.{8})(.{4})(.{4})(.{4})(.{12})/, "$1-$2-$3-$4-$5");
  const key = await em.findOne(ApiKey, { id }, { populate: ["owner"] });
  if (!key || key.revokedAt) return null;
  const expected = Buffer.from(key.secretHash, "hex");
  const actual = Buffer.from(sha256(match[2]), "hex");
  if (expected.length !== actual.length || !crypto.timingSafeEqual(expected, actual)) return null;
  // Written at most once a minute per key, so heavy partner traffic does not turn every read into a write.
  const now = new Date();
  if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await em.nativeUpdate(ApiKey, { id: key.id }, { lastUsedAt: now });
  }
  return {
    apiKeyId: key.id,
    userId: key.owner.id,
    role: key.owner.role,
    scopes: key.scopes,
    trustedDocumentsOnly: key.trustedDocumentsOnly,
    variant: key.variant,
  };
}

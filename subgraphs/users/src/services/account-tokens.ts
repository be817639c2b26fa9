import type { EntityManager } from "@mikro-orm/postgresql";
import { apiError } from "@solo/kit";
import type { User } from "../entities";
import { AccountToken, TokenPurpose } from "../entities";
import { sha256 } from "./tokens";

/** How long a mailed link works: a day to confirm an address, half an hour to reset a password. */
export const TOKEN_TTL_MS: Record<TokenPurpose, number> = {
  [TokenPurpose.VERIFY_EMAIL]: 24 * 3_600_000,
  [TokenPurpose.RESET_PASSWORD]: 30 * 60_000,
};

/** Stores a token that was just mailed, by its hash only. */
export function recordAccountToken(em: EntityManager, user: User, purpose: TokenPurpose, secret: string, now: Date): AccountToken {
  return em.create(AccountToken, { user, purpose, tokenHash: sha256(secret), createdAt: now, expiresAt: new Date(now.getTime() + TOKEN_TTL_MS[purpose]) });
}

const refused = (reason: "INVALID_TOKEN" | "TOKEN_EXPIRED" | "TOKEN_USED", message: string) => apiError("BAD_USER_INPUT", message, { reason, field: "token" });

/**
 * Spends a token: the conditional update is the lock, so of two concurrent uses exactly one wins.
 * Refuses unknown, expired and used tokens with BAD_USER_INPUT and a `reason`, changing nothing.
 */
export async function consumeAccountToken(em: EntityManager, presented: string, purpose: TokenPurpose, now: Date): Promise<AccountToken> {
  const token = presented.length <= 200 ? await em.findOne(AccountToken, { tokenHash: sha256(presented), purpose }, { populate: ["user"] }) : null;
  if (!token) throw refused("INVALID_TOKEN", "This link is not valid");
  if (token.usedAt) throw refused("TOKEN_USED", "This link has already been used");
  if (token.expiresAt.getTime() <= now.getTime()) throw refused("TOKEN_EXPIRED", "This link has expired");
  const spent = await em.nativeUpdate(AccountToken, { id: token.id, usedAt: null }, { usedAt: now });
  if (spent === 0) throw refused("TOKEN_USED", "This link has already been used");
  return token;
}

/** Tokens of this purpose the account was sent since `since` (the per-account mail throttle). */
export function tokensSentSince(em: EntityManager, user: User, purpose: TokenPurpose, since: Date): Promise<AccountToken[]> {
  return em.find(AccountToken, { user, purpose, createdAt: { $gt: since } }, { orderBy: { createdAt: "asc" } });
}

/** Tokens that expired a day ago are no use to anyone, not even the throttle. */
export function forgetExpiredTokens(em: EntityManager, now: Date): Promise<number> {
  return em.nativeDelete(AccountToken, { expiresAt: { $lt: new Date(now.getTime() - 24 * 3_600_000) } });
}

import type { EntityManager } from "@mikro-orm/postgresql";
import { ANONYMOUS, apiError, unauthenticated } from "@solo/kit";
import { recordAudit } from "./audit";
import type { User } from "../entities";
import { RefreshToken, Session } from "../entities";
import { addDays } from "./time";
import { issueAccessToken, newOpaqueSecret, refreshTokenTtlDays, sha256 } from "./tokens";

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
  user: User;
  sessionId: string;
}

/** Persists a new refresh token for the session (flushed by the caller) and signs an access token. */
async function issueTokens(em: EntityManager, session: Session, user: User): Promise<IssuedTokens> {
  const refreshToken = newOpaqueSecret();
  em.create(RefreshToken, {
    session,
    tokenHash: sha256(refreshToken),
    createdAt: new Date(),
    expiresAt: addDays(new Date(), refreshTokenTtlDays()),
  });
  const { accessToken, expiresAt } = await issueAccessToken(user, session.id);
  return { accessToken, refreshToken, expiresAt, user, sessionId: session.id };
}

export async function startSession(em: EntityManager, user: User): Promise<IssuedTokens> {
  const session = em.create(Session, { user, createdAt: new Date() });
  const tokens = await issueTokens(em, session, user);
  await em.flush();
  return tokens;
}

const invalidRefreshToken = () => unauthenticated("Invalid or expired refresh token");

/**
 * Rotation: a refresh token works once. Presenting a retired one means it leaked (or a client
 * raced itself), so the whole login is revoked and must sign in again.
 */
export async function rotateRefreshToken(em: EntityManager, presented: string, onRevoked: (sessionId: string) => Promise<void>): Promise<IssuedTokens> {
  const token = await em.findOne(RefreshToken, { tokenHash: sha256(presented) }, { populate: ["session.user"] });
  if (!token || token.session.revokedAt || token.expiresAt.getTime() <= Date.now()) throw invalidRefreshToken();

  // The conditional update is the lock: of two concurrent uses, exactly one sees a row to retire.
  const retired = await em.nativeUpdate(RefreshToken, { id: token.id, rotatedAt: null }, { rotatedAt: new Date() });
  if (retired === 0) {
    const revoked = await em.nativeUpdate(Session, { id: token.session.id, revokedAt: null }, { revokedAt: new Date(), revokedReason: "refresh_token_reuse" });
    if (revoked) {
      const user = token.session.user;
      recordAudit(em, { identity: ANONYMOUS, userId: user.id }, "session.revoked_on_reuse", { type: "Session", id: token.session.id });
      await em.flush();
      await onRevoked(token.session.id);
    }
    throw apiError("UNAUTHENTICATED", "Refresh token was already used; this login has been revoked", {
      reason: "REFRESH_TOKEN_REUSED",
    });
  }
  const tokens = await issueTokens(em, token.session, token.session.user);
  await em.flush();
  return tokens;
}

export async function revokeSession(em: EntityManager, sessionId: string, reason: string): Promise<boolean> {
  const revoked = await em.nativeUpdate(Session, { id: sessionId, revokedAt: null }, { revokedAt: new Date(), revokedReason: reason });
  return revoked > 0;
}

/** The account's current role if the session is live and belongs to it; null otherwise. */
export async function activeSessionRole(em: EntityManager, sessionId: string, userId: string): Promise<User["role"] | null> {
  const session = await em.findOne(Session, { id: sessionId, user: userId, revokedAt: null }, { populate: ["user"] });
  return session?.user.role ?? null;
}

import { UniqueConstraintViolationException } from "@mikro-orm/core";
import type { EntityManager } from "@mikro-orm/postgresql";
import type { Identity } from "@solo/kit";
import { apiError, badInput, conflict, queueAudit } from "@solo/kit";
import { SocialAccount, SocialAccountStatus, SocialPlatform } from "../entities";
import type { InstagramClient } from "./instagram-client";
import { InstagramError } from "./instagram-client";
import type { TokenCipher } from "./token-cipher";

export interface ConnectRequest {
  platform: SocialPlatform;
  handle: string;
  accessToken: string;
  tokenExpiresAt?: Date | null;
}

/** Instagram's usernames: letters, digits, periods and underscores, at most 30. */
const INSTAGRAM_HANDLE = /^[A-Za-z0-9._]{1,30}$/;

/**
 * Connects (or reconnects) an account: the platform is asked whom the token belongs to, which
 * must be the handle given; the token is sealed before it is stored. A platform account another
 * SOLO account holds is a CONFLICT; the same owner connecting it again replaces its token.
 */
export async function connectAccount(
  em: EntityManager,
  actor: { identity: Identity; requestId?: string },
  ownerId: string,
  request: ConnectRequest,
  deps: { instagram: InstagramClient; tokens: TokenCipher; now: Date },
): Promise<SocialAccount> {
  const handle = request.handle.trim().replace(/^@/, "");
  if (request.platform !== SocialPlatform.INSTAGRAM) throw badInput("platform must be INSTAGRAM", "platform");
  if (!INSTAGRAM_HANDLE.test(handle)) throw badInput("handle must be an Instagram username: letters, digits, . and _, at most 30", "handle");
  if (request.tokenExpiresAt && request.tokenExpiresAt.getTime() <= deps.now.getTime()) throw badInput("tokenExpiresAt must be in the future", "tokenExpiresAt");
  const owner = await deps.instagram.me(request.accessToken).catch((error: unknown) => {
    if (error instanceof InstagramError && !error.retryable) throw badInput("Instagram refused the access token", "accessToken");
    throw apiError("SERVICE_UNAVAILABLE", "Instagram cannot be reached right now: try again shortly");
  });
  if (owner.username.toLowerCase() !== handle.toLowerCase()) throw badInput(`The access token is not @${handle}'s`, "accessToken");

  return em
    .transactional(async (tx) => {
      const held = await tx.findOne(SocialAccount, { platform: request.platform, platformUserId: owner.userId, status: { $ne: SocialAccountStatus.DISCONNECTED } });
      if (held && held.ownerId !== ownerId) throw conflict(`@${owner.username} is connected to another SOLO account`);
      const account = held ?? tx.create(SocialAccount, { ownerId, platform: request.platform, platformUserId: owner.userId, handle: owner.username, tokenSealed: "" });
      account.handle = owner.username;
      account.tokenSealed = deps.tokens.seal(request.accessToken, account.id);
      account.tokenExpiresAt = request.tokenExpiresAt ?? null;
      account.status = SocialAccountStatus.ACTIVE;
      account.updatedAt = deps.now;
      queueAudit(
        tx,
        actor,
        held ? "social_account.reconnected" : "social_account.connected",
        { type: "SocialAccount", id: account.id },
        {
          platform: account.platform,
          handle: account.handle,
        },
      );
      return account;
    })
    .catch((error: unknown) => {
      // Another request connected the same platform account between the check and the insert.
      if (error instanceof UniqueConstraintViolationException) throw conflict(`@${owner.username} is connected to another SOLO account`);
      throw error;
    });
}

import { Access, Secret, apiError, badInput, personCaller, rateLimited } from "@solo/kit";
import { isEmail } from "class-validator";
import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import { AccountToken, Role, Session, TokenPurpose, User } from "../entities";
import { userTag } from "./user.resolver";
import type { UsersContext } from "../context";
import { consumeAccountToken, tokensSentSince } from "../services/account-tokens";
import { recordAudit } from "../services/audit";
import { adminEmails, normalizeEmail } from "../services/email-address";
import { clearLoginFailures } from "../services/login-throttle";
import type { UsersServices } from "../services";
import { MAILS_PER_HOUR, queueAccountMailOnce } from "../services/mail-delivery";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "../services/passwords";

/**
 * Proving an address: verification after registering, and a way back into a forgotten account.
 * Mails are rows in the outbox, committed with the request; the kit wakes delivery after the commit.
 */
@Resolver()
export class AccountEmailResolver {
  constructor(private readonly services: UsersServices) {}

  @Access({ public: true })
  @Mutation(() => Boolean, {
    description: "Confirm an address with the token from its verification mail (once, within 24 hours); an ADMIN_EMAILS address becomes ADMIN",
  })
  async verifyEmail(@Arg("token", { description: "The token from the verification mail's link" }) @Secret() token: string, @Ctx() ctx: UsersContext): Promise<boolean> {
    const now = this.services.clock.now();
    let verified = "";
    const promoted = await ctx.em.transactional(async (em) => {
      const { user } = await consumeAccountToken(em, token, TokenPurpose.VERIFY_EMAIL, now);
      verified = user.id;
      // Whoever holds the token proves the account's address: the change is the account's own.
      const actor = { identity: ctx.identity, requestId: ctx.requestId, userId: user.id };
      if (!user.emailVerifiedAt) {
        user.emailVerifiedAt = now;
        recordAudit(em, actor, "user.email_verified", { type: "User", id: user.id }, { email: user.email });
      }
      if (user.role !== Role.ADMIN && adminEmails().includes(user.emailNormalized)) {
        recordAudit(em, actor, "user.role_changed", { type: "User", id: user.id }, { from: user.role, to: Role.ADMIN, because: "ADMIN_EMAILS" });
        user.role = Role.ADMIN;
        return user.id;
      }
      return undefined;
    });
    if (promoted) await this.services.credentials.committed(ctx, { userIds: [promoted] });
    await ctx.changed(userTag(verified));
    return true;
  }

  @Access()
  @Mutation(() => Boolean, { description: "Mail the signed-in account a new verification link (at most 3 an hour)" })
  async resendVerificationEmail(@Ctx() ctx: UsersContext): Promise<boolean> {
    const user = await ctx.em.findOneOrFail(User, { id: personCaller(ctx.identity).userId });
    if (user.emailVerifiedAt) throw apiError("BAD_USER_INPUT", "This address is already verified", { reason: "ALREADY_VERIFIED" });
    const now = this.services.clock.now();
    const recent = await tokensSentSince(ctx.em, user, TokenPurpose.VERIFY_EMAIL, new Date(now.getTime() - 3_600_000));
    if (recent.length >= MAILS_PER_HOUR) {
      throw rateLimited("Too many verification mails", recent[0].createdAt.getTime() + 3_600_000 - now.getTime());
    }
    await queueAccountMailOnce(ctx.em, TokenPurpose.VERIFY_EMAIL, user.emailNormalized, now);
    return true;
  }

  @Access({ public: true })
  @Mutation(() => Boolean, {
    description: "Mail a password-reset link to the address if it has an account (at most 3 an hour); true either way",
  })
  async requestPasswordReset(@Arg("email", { description: "The account's address" }) email: string, @Ctx() ctx: UsersContext): Promise<boolean> {
    if (email.length > 254 || !isEmail(email.trim())) throw badInput("email must be a valid email address", "email");
    // The same single insert whether or not the address has an account, so neither the answer nor
    // its timing says which; the delivery job looks the account up, mints the token and throttles.
    await queueAccountMailOnce(ctx.em, TokenPurpose.RESET_PASSWORD, normalizeEmail(email), this.services.clock.now());
    return true;
  }

  @Access({ public: true })
  @Mutation(() => Boolean, {
    description: "Choose a new password with the token from a reset mail (once, within 30 minutes); every session of the account ends",
  })
  async resetPassword(
    @Arg("token", { description: "The token from the reset mail's link" }) @Secret() token: string,
    @Arg("newPassword", { description: "The new password, 10 to 256 characters" }) @Secret() newPassword: string,
    @Ctx() ctx: UsersContext,
  ): Promise<boolean> {
    if (newPassword.length < MIN_PASSWORD_LENGTH || newPassword.length > MAX_PASSWORD_LENGTH) {
      throw badInput(`newPassword must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`, "newPassword");
    }
    const passwordHash = await this.services.passwords.hash(newPassword);
    const now = this.services.clock.now();
    const userId = await ctx.em.transactional(async (em) => {
      const { user } = await consumeAccountToken(em, token, TokenPurpose.RESET_PASSWORD, now);
      // Other reset links of the account die with this one, and so does every login.
      await em.nativeUpdate(AccountToken, { user, purpose: TokenPurpose.RESET_PASSWORD, usedAt: null }, { usedAt: now });
      const sessionsRevoked = await em.nativeUpdate(Session, { user, revokedAt: null }, { revokedAt: new Date(), revokedReason: "password_reset" });
      await em.nativeUpdate(User, { id: user.id }, { passwordHash });
      // The owner has proven the address and chosen a new password: guesses at the old one stop locking them out.
      await clearLoginFailures(em, user.emailNormalized);
      recordAudit(em, { identity: ctx.identity, requestId: ctx.requestId, userId: user.id }, "user.password_reset", { type: "User", id: user.id }, { sessionsRevoked });
      return user.id;
    });
    await this.services.credentials.committed(ctx, { userIds: [userId] });
    return true;
  }
}

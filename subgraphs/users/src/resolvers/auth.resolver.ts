import { UniqueConstraintViolationException } from "@mikro-orm/core";
import { Access, AccessRule, Secret, apiError, badInput, conflict, personCaller } from "@solo/kit";
import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import { Role, TokenPurpose, User } from "../entities";
import type { UsersContext } from "../context";
import { recordAudit } from "../services/audit";
import { normalizeEmail } from "../services/email-address";
import { clearLoginFailures, countLoginAttempt } from "../services/login-throttle";
import { queueAccountMail } from "../services/mail-delivery";
import type { UsersServices } from "../services";
import { MAX_PASSWORD_LENGTH } from "../services/passwords";
import { IssuedTokens, revokeSession, rotateRefreshToken, startSession } from "../services/sessions";
import { AuthPayload, RegisterInput } from "./types";

/** Signing up and signing in are for people, signed in or not: an API key has no business doing either. */
const PEOPLE: AccessRule = { public: true, keyRefusal: "API keys cannot register, sign in or refresh sessions" };

/** The rest of this response is read by the account that just signed in (its own email, plan…). */
function signedInAs(ctx: UsersContext, tokens: IssuedTokens): AuthPayload {
  ctx.identity = { kind: "user", userId: tokens.user.id, role: tokens.user.role, sessionId: tokens.sessionId };
  return tokens;
}

/** The gateway counts errors with this reason against the caller's IP, whatever credentials came with them. */
const invalidCredentials = () => apiError("UNAUTHENTICATED", "Invalid email or password", { reason: "INVALID_CREDENTIALS" });

@Resolver()
export class AuthResolver {
  constructor(private readonly services: UsersServices) {}

  @Access(PEOPLE)
  @Mutation(() => AuthPayload, { description: "Create an account and sign in; a mail asks the owner to confirm the address" })
  async register(@Arg("input", { description: "The new account's address, password and name" }) input: RegisterInput, @Ctx() ctx: UsersContext): Promise<AuthPayload> {
    const displayName = input.displayName.trim();
    if (!displayName) throw badInput("displayName must not be blank", "displayName");
    const emailNormalized = normalizeEmail(input.email);
    const { em } = ctx;
    if (await em.count(User, { emailNormalized })) throw conflict("An account with this email already exists");

    // ADMIN_EMAILS grants nothing here: only verifyEmail, once the address is proven, does.
    const user = em.create(User, {
      email: input.email.trim(),
      emailNormalized,
      passwordHash: await this.services.passwords.hash(input.password),
      displayName,
      role: Role.STUDENT,
      timezone: input.timezone ?? "UTC",
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    recordAudit(em, { ...ctx, userId: user.id }, "user.registered", { type: "User", id: user.id }, { role: user.role });
    // Sent once this commits: the kit wakes mail delivery after a commit that queued a mail.
    queueAccountMail(em, TokenPurpose.VERIFY_EMAIL, emailNormalized, this.services.clock.now());
    let tokens: IssuedTokens;
    try {
      tokens = await startSession(em, user);
    } catch (error) {
      // Two registrations raced past the count above; the unique index decides.
      if (error instanceof UniqueConstraintViolationException) throw conflict("An account with this email already exists");
      throw error;
    }
    return signedInAs(ctx, tokens);
  }

  @Access(PEOPLE)
  @Mutation(() => AuthPayload, { description: "Sign in with email and password" })
  async login(
    @Arg("email", { description: "The account's address (case does not matter)" }) email: string,
    @Arg("password", { description: "The account's password" }) @Secret() password: string,
    @Ctx() ctx: UsersContext,
  ): Promise<AuthPayload> {
    const { em } = ctx;
    const { settings, clock } = this.services;
    const emailNormalized = normalizeEmail(email);
    const plausible = email.length <= 254 && password.length <= MAX_PASSWORD_LENGTH;
    // Counted per email before anything about the account is read: a locked-out email is refused
    // the same way, as fast, whether or not it has an account, and even with the right password.
    if (plausible) {
      await countLoginAttempt(em, emailNormalized, clock.now(), { maxFailures: settings.loginMaxFailures, windowMs: settings.loginFailureWindowMs });
    }
    // One message and one code for both causes, and an argon2 verification in both: neither the
    // answer nor its timing tells whether the email has an account.
    const user = plausible ? await em.findOne(User, { emailNormalized }, { populate: ["passwordHash"] }) : null;
    const valid = await this.services.passwords.verify(user?.passwordHash, password.slice(0, MAX_PASSWORD_LENGTH));
    if (!user || !valid) throw invalidCredentials();
    await clearLoginFailures(em, emailNormalized);
    return signedInAs(ctx, await startSession(em, user));
  }

  @Access(PEOPLE)
  @Mutation(() => AuthPayload, { description: "Trade a refresh token for new tokens (the old one is retired)" })
  async refreshSession(
    @Arg("refreshToken", { description: "The refresh token last returned for this login (each works once)" }) @Secret() refreshToken: string,
    @Ctx() ctx: UsersContext,
  ): Promise<AuthPayload> {
    const tokens = await rotateRefreshToken(ctx.em, refreshToken, (sessionId) => this.services.credentials.committed(ctx, { sessionIds: [sessionId] }));
    return signedInAs(ctx, tokens);
  }

  @Access()
  @Mutation(() => Boolean, { description: "End this login: its refresh tokens stop working" })
  async logout(@Ctx() ctx: UsersContext): Promise<boolean> {
    const { sessionId } = personCaller(ctx.identity);
    const revoked = await revokeSession(ctx.em, sessionId, "logout");
    if (revoked) {
      recordAudit(ctx.em, ctx, "session.ended", { type: "Session", id: sessionId });
      await ctx.em.flush();
      await this.services.credentials.committed(ctx, { sessionIds: [sessionId] });
    }
    return true;
  }
}

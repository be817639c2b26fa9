import { UniqueConstraintViolationException } from "@mikro-orm/core";
import { Access, badInput, conflict, envList, forbidden, unauthenticated } from "@solo/kit";
import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import { Role, User } from "../entities";
import { UsersContext } from "../loaders";
import { recordAudit } from "../services/audit";
import { MAX_PASSWORD_LENGTH, hashPassword, verifyPassword } from "../services/passwords";
import { IssuedTokens, revokeSession, rotateRefreshToken, startSession } from "../services/sessions";
import { AuthPayload, RegisterInput } from "./types";

/** Signing up and signing in are for people: an API key has no business doing either. */
function refuseApiKeys(ctx: UsersContext): void {
  if (ctx.identity.kind === "apiKey") throw forbidden("API keys cannot register, sign in or refresh sessions");
}

/** The rest of this response is read by the account that just signed in (its own email, plan…). */
function signedInAs(ctx: UsersContext, tokens: IssuedTokens): AuthPayload {
  ctx.identity = { kind: "user", userId: tokens.user.id, role: tokens.user.role, sessionId: tokens.sessionId };
  return tokens;
}

const normalizeEmail = (email: string) => email.trim().toLowerCase();

@Resolver()
export class AuthResolver {
  @Mutation(() => AuthPayload, { description: "Create an account and sign in" })
  async register(@Arg("input") input: RegisterInput, @Ctx() ctx: UsersContext): Promise<AuthPayload> {
    refuseApiKeys(ctx);
    const displayName = input.displayName.trim();
    if (!displayName) throw badInput("displayName must not be blank", "displayName");
    const emailNormalized = normalizeEmail(input.email);
    const { em } = ctx;
    if (await em.count(User, { emailNormalized })) throw conflict("An account with this email already exists");

    const admins = envList("ADMIN_EMAILS").map(normalizeEmail);
    const user = em.create(User, {
      email: input.email.trim(),
      emailNormalized,
      passwordHash: await hashPassword(input.password),
      displayName,
      role: admins.includes(emailNormalized) ? Role.ADMIN : Role.STUDENT,
      timezone: input.timezone ?? "UTC",
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    recordAudit(em, { ...ctx, userId: user.id }, "user.registered", { type: "User", id: user.id }, { role: user.role });
    try {
      return signedInAs(ctx, await startSession(em, user));
    } catch (error) {
      // Two registrations raced past the count above; the unique index decides.
      if (error instanceof UniqueConstraintViolationException) throw conflict("An account with this email already exists");
      throw error;
    }
  }

  @Mutation(() => AuthPayload, { description: "Sign in with email and password" })
  async login(
    @Arg("email") email: string,
    @Arg("password") password: string,
    @Ctx() ctx: UsersContext,
  ): Promise<AuthPayload> {
    refuseApiKeys(ctx);
    const { em } = ctx;
    // One message and one code for both causes, and an argon2 verification in both: neither the
    // answer nor its timing tells whether the email has an account.
    const user =
      email.length <= 254 && password.length <= MAX_PASSWORD_LENGTH
        ? await em.findOne(User, { emailNormalized: normalizeEmail(email) }, { populate: ["passwordHash"] })
        : null;
    const valid = await verifyPassword(user?.passwordHash, password.slice(0, MAX_PASSWORD_LENGTH));
    if (!user || !valid) throw unauthenticated("Invalid email or password");
    return signedInAs(ctx, await startSession(em, user));
  }

  @Mutation(() => AuthPayload, { description: "Trade a refresh token for new tokens (the old one is retired)" })
  async refreshSession(@Arg("refreshToken") refreshToken: string, @Ctx() ctx: UsersContext): Promise<AuthPayload> {
    refuseApiKeys(ctx);
    return signedInAs(ctx, await rotateRefreshToken(ctx.em, refreshToken));
  }

  @Access()
  @Mutation(() => Boolean, { description: "End this login: its refresh tokens stop working" })
  async logout(@Ctx() ctx: UsersContext): Promise<boolean> {
    if (ctx.identity.kind !== "user") throw unauthenticated("Sign in with a user token to log out");
    const revoked = await revokeSession(ctx.em, ctx.identity.sessionId, "logout");
    if (revoked) {
      recordAudit(ctx.em, ctx, "session.ended", { type: "Session", id: ctx.identity.sessionId });
      await ctx.em.flush();
    }
    return true;
  }
}

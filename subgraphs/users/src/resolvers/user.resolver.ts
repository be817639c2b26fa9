import type { Row } from "@solo/kit";
import { UploadPurpose, verifyAssetRoute } from "@solo/content/internal-api";
import type { Logger } from "@solo/kit";
import {
  API_KEY_SCOPES,
  Access,
  apiError,
  badInput,
  callInternal,
  isUuid,
  notFound,
  paginate,
  selfOrAdmin,
  signedIn,
  signedInCaller,
  CacheHint,
  entityTag,
} from "@solo/kit";
import { Arg, Ctx, Directive, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { ApiKey, Plan, Role, User } from "../entities";
import type { UsersContext } from "../context";
import type { UsersServices } from "../services";
import { notOwnRole } from "../policies";
import { recordAudit } from "../services/audit";
import { UpdateProfileInput, UserConnection } from "./types";

/** What the response cache names an account by: a change to it evicts every answer that read it. */
export const userTag = (id: string) => entityTag("User", id);

/**
 * Email, plan, time zone and keys are the account's own business (and admins': `selfOrAdmin`, null
 * for others); an API key also needs users:read for them, however it reached the account.
 */

@Resolver(() => User)
export class UserResolver {
  constructor(private readonly services: UsersServices) {}

  /** Any API key reaches its owner's public profile here; each private field checks its own scope. */
  @Access({ public: true, scope: API_KEY_SCOPES, policy: signedIn })
  @Query(() => User, { nullable: true, description: "The signed-in account; null when signed out" })
  async me(@Ctx() ctx: UsersContext): Promise<User | null> {
    const { userId } = signedInCaller(ctx.identity);
    ctx.reads(userTag(userId));
    return ctx.loaders.userById.load(userId);
  }

  @Access({ roles: [Role.ADMIN], scope: "users:read" })
  // Tagged `internal`: admin and key-management fields stay out of partner variants (exclude internal).
  @Directive('@tag(name: "internal")')
  @Query(() => UserConnection, { description: "Every account, oldest first (admins only)" })
  users(
    @Arg("first", () => Int, { description: "Page size: 0 to 100, 20 by default", nullable: true }) first: number | null,
    @Arg("after", () => String, { description: "Cursor from a previous page's pageInfo.endCursor: the page starts after it", nullable: true }) after: string | null,
    @Arg("role", () => Role, { description: "Only accounts with this role", nullable: true }) role: Role | null,
    @Ctx() { em }: UsersContext,
  ): Promise<UserConnection> {
    return paginate(em, User, role ? { role } : {}, { first, after, direction: "asc" });
  }

  @Access({ roles: [Role.ADMIN], scope: "users:write", policy: notOwnRole })
  @Directive('@tag(name: "internal")')
  @Mutation(() => User, { description: "Change an account's role (admins only)" })
  async setUserRole(
    @Arg("userId", () => ID, { description: "The account to change (not your own)" }) userId: string,
    @Arg("role", () => Role, { description: "The new role" }) role: Role,
    @Ctx() ctx: UsersContext,
  ): Promise<User> {
    const user = await ctx.loaders.userById.load(userId);
    if (!user) throw notFound("User");
    if (user.role !== role) {
      recordAudit(ctx.em, ctx, "user.role_changed", { type: "User", id: user.id }, { from: user.role, to: role });
      user.role = role;
      await ctx.em.flush();
      await this.services.credentials.committed(ctx, { userIds: [user.id] });
      await ctx.changed(userTag(user.id));
    }
    return user;
  }

  @Access({ scope: "users:write" })
  @Mutation(() => User, { description: "Change the signed-in account's profile" })
  async updateProfile(@Arg("input", { description: "The fields to change" }) input: UpdateProfileInput, @Ctx() ctx: UsersContext): Promise<User> {
    const user = await ctx.loaders.userById.load(signedInCaller(ctx.identity).userId);
    if (!user) throw notFound("User");
    const changes: Record<string, { from: string; to: string }> = {};
    const displayName = input.displayName?.trim();
    if (input.displayName !== undefined && input.displayName !== null) {
      if (!displayName) throw badInput("displayName must not be blank", "displayName");
    }
    if (displayName && displayName !== user.displayName) {
      changes.displayName = { from: user.displayName, to: displayName };
      user.displayName = displayName;
    }
    if (input.timezone && input.timezone !== user.timezone) {
      changes.timezone = { from: user.timezone, to: input.timezone };
      user.timezone = input.timezone;
    }
    if (input.avatarAssetId !== undefined && input.avatarAssetId !== user.avatarAssetId) {
      if (input.avatarAssetId !== null) await requireAvatarUpload(this.services.peers.url("content"), user.id, input.avatarAssetId, ctx.log);
      changes.avatarAssetId = { from: user.avatarAssetId ?? "", to: input.avatarAssetId ?? "" };
      user.avatarAssetId = input.avatarAssetId;
    }
    if (Object.keys(changes).length) {
      recordAudit(ctx.em, ctx, "user.profile_updated", { type: "User", id: user.id }, changes);
      await ctx.em.flush();
      await ctx.changed(userTag(user.id));
    }
    return user;
  }

  @Access({ public: true, scope: "users:read", policy: selfOrAdmin })
  @CacheHint({ scope: "PRIVATE" })
  @FieldResolver(() => String, { nullable: true, description: "The address the account signs in with; visible to the account itself and admins" })
  email(@Root() user: Row<User>): string | null {
    return user.email;
  }

  @Access({ public: true, scope: "users:read", policy: selfOrAdmin })
  @CacheHint({ scope: "PRIVATE" })
  @FieldResolver(() => Boolean, {
    nullable: true,
    description: "Whether the owner has confirmed the address (verifyEmail); visible to the account itself and admins",
  })
  emailVerified(@Root() user: Row<User>): boolean | null {
    return user.emailVerifiedAt !== null;
  }

  @Access({ public: true, scope: "users:read", policy: selfOrAdmin })
  @CacheHint({ scope: "PRIVATE" })
  @FieldResolver(() => Plan, { nullable: true, description: "The account's subscription plan; visible to the account itself and admins" })
  plan(@Root() user: Row<User>): Plan | null {
    return user.plan;
  }

  @Access({ public: true, scope: "users:read", policy: selfOrAdmin })
  @CacheHint({ scope: "PRIVATE" })
  @FieldResolver(() => String, { nullable: true, description: "IANA time zone; visible to the account itself and admins" })
  timezone(@Root() user: Row<User>): string | null {
    return user.timezone;
  }

  /**
   * The time zone again, for other subgraphs' `@requires` only (studyStats counts streak days in
   * it): clients cannot select it, and it asks no scope of its own, so a key that may read
   * studyStats does not also need users:read, nor gets an error for a field it never asked for.
   */
  @Access({ public: true, scope: API_KEY_SCOPES, policy: selfOrAdmin })
  @CacheHint({ scope: "PRIVATE" })
  @FieldResolver(() => String, { nullable: true })
  @Directive("@inaccessible")
  accountTimezone(@Root() user: Row<User>): string | null {
    return user.timezone;
  }

  @Access({ public: true, scope: "users:read", policy: selfOrAdmin })
  @CacheHint({ scope: "PRIVATE" })
  @Directive('@tag(name: "internal")')
  @FieldResolver(() => [ApiKey], { nullable: true, description: "The account's partner API keys, revoked ones included; visible to the account itself and admins" })
  apiKeys(@Root() user: Row<User>, @Ctx() { loaders }: UsersContext): Promise<ApiKey[]> {
    return loaders.apiKeysByOwner.load(user.id);
  }
}

/** The content subgraph owns uploads: it says whether this one may become the account's picture. */
async function requireAvatarUpload(contentUrl: string | undefined, userId: string, assetId: string, log: Logger): Promise<void> {
  const unavailable = () => apiError("SERVICE_UNAVAILABLE", "Avatars cannot be changed right now");
  if (!contentUrl) throw unavailable();
  const answer = isUuid(assetId)
    ? await callInternal(verifyAssetRoute, contentUrl, { assetId, ownerId: userId, purpose: UploadPurpose.AVATAR }, { caller: "users" }).catch((error: unknown) => {
        // The client hears only that avatars cannot be changed; the log says why.
        log.warn({ err: error }, "avatar check with the content subgraph failed");
        throw unavailable();
      })
    : { status: 404 as const };
  if (answer.status === 404) {
    throw badInput("avatarAssetId must name one of your AVATAR uploads that has completed (status READY)", "avatarAssetId");
  }
}

/** Entity resolution for other subgraphs: batched, one query for every User in a response. */
export function resolveUserReference(reference: { id: string }, ctx: UsersContext): Promise<User | null> {
  ctx.reads(userTag(reference.id));
  return ctx.loaders.userById.load(reference.id);
}

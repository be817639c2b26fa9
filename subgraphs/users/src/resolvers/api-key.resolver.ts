import { API_KEY_SCOPES, Access, badInput, forbidden, isApiKeyScope, isRegistryScope, personCaller } from "@solo/kit";
import { Arg, Ctx, Directive, ID, Mutation, Resolver } from "type-graphql";
import { ApiKey, User } from "../entities";
import type { UsersContext } from "../context";
import { apiKeyOwnerOrAdmin } from "../policies";
import { recordAudit } from "../services/audit";
import { newApiKeySecret } from "../services/api-keys";
import type { UsersServices } from "../services";
import { CreateApiKeyInput, CreateApiKeyPayload } from "./types";

@Resolver(() => ApiKey)
export class ApiKeyResolver {
  constructor(private readonly services: UsersServices) {}

  /** Keys are made with a user token only: a key cannot mint keys. */
  @Access()
  @Directive('@tag(name: "internal")')
  @Mutation(() => CreateApiKeyPayload, { description: "Create a partner API key; its secret is returned once" })
  async createApiKey(
    @Arg("input", { description: "The key's name, scopes and restrictions" }) input: CreateApiKeyInput,
    @Ctx() ctx: UsersContext,
  ): Promise<CreateApiKeyPayload> {
    const person = personCaller(ctx.identity);
    const name = input.name.trim();
    if (!name) throw badInput("name must not be blank", "name");
    const unknown = input.scopes.filter((scope) => !isApiKeyScope(scope));
    if (unknown.length) {
      throw badInput(`Unknown scopes: ${unknown.join(", ")}. Known: ${API_KEY_SCOPES.join(", ")}`, "scopes");
    }
    // A registry:write key changes the schema every gateway serves: only admins hand those out.
    if (person.role !== "ADMIN" && input.scopes.some(isRegistryScope)) throw forbidden("Only an ADMIN can grant registry scopes");
    const owner = ctx.em.getReference(User, person.userId);
    const apiKey = ctx.em.create(ApiKey, {
      owner,
      name,
      scopes: [...new Set(input.scopes)],
      trustedDocumentsOnly: input.trustedDocumentsOnly,
      variant: input.variant ?? null,
      secretHash: "",
      createdAt: new Date(),
    });
    const { secret, secretHash } = newApiKeySecret(apiKey.id);
    apiKey.secretHash = secretHash;
    recordAudit(
      ctx.em,
      ctx,
      "api_key.created",
      { type: "ApiKey", id: apiKey.id },
      {
        name,
        scopes: apiKey.scopes,
        trustedDocumentsOnly: apiKey.trustedDocumentsOnly,
        variant: apiKey.variant,
      },
    );
    await ctx.em.flush();
    return { secret, apiKey };
  }

  /** A key cannot revoke keys either; people revoke their own, admins anyone's. */
  @Access({ policy: apiKeyOwnerOrAdmin })
  @Directive('@tag(name: "internal")')
  @Mutation(() => ApiKey, { description: "Revoke a key at once; revoking twice changes nothing" })
  async revokeApiKey(@Arg("id", () => ID, { description: "The key to revoke: one of yours (any, for admins)" }) id: string, @Ctx() ctx: UsersContext): Promise<ApiKey> {
    const apiKey = (await ctx.loaders.apiKeyById.load(id))!;
    if (!apiKey.revokedAt) {
      apiKey.revokedAt = new Date();
      recordAudit(ctx.em, ctx, "api_key.revoked", { type: "ApiKey", id: apiKey.id });
      await ctx.em.flush();
      await this.services.credentials.committed(ctx, { apiKeyIds: [apiKey.id] });
    }
    return apiKey;
  }
}

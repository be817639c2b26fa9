import { Access, apiError, notFound, requireScope, signedInCaller } from "@solo/kit";
import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { AssetStatus, MediaAsset, User, userRef } from "../entities";
import type { ContentContext } from "../context";
import type { ContentServices } from "../services";
import { UPLOAD_POLICIES, UPLOAD_SCOPES, downloadDisposition, normalizeContentType, stagingKey } from "../services/upload-policy";
import { completeAsset, reservePendingUpload } from "../services/uploads";
import { uploadPurposeAllowed, uploaderOnly, uploaderOrAdmin } from "../policies";
import { publicOrOwnAsset } from "../services/visibility";
import { CreateUploadUrlInput, UploadTicket } from "./types";
import { assetTag } from "./cache-tags";

@Resolver(() => MediaAsset)
export class MediaAssetResolver {
  constructor(private readonly services: ContentServices) {}

  @Access({ scope: UPLOAD_SCOPES, policy: uploadPurposeAllowed })
  @Mutation(() => UploadTicket, { description: "A presigned PUT for one file; the asset stays PENDING until completeUpload" })
  async createUploadUrl(@Arg("input", { description: "The file you will upload" }) input: CreateUploadUrlInput, @Ctx() ctx: ContentContext): Promise<UploadTicket> {
    const owner = signedInCaller(ctx.identity);
    const policy = UPLOAD_POLICIES[input.purpose];
    const contentType = normalizeContentType(input.contentType);
    // Both refusals name the purpose's whole policy, so a client can pick a file that fits in one go.
    const allowed = { purpose: input.purpose, allowedContentTypes: policy.contentTypes, maxBytes: policy.maxBytes };
    const fits = `${input.purpose} accepts ${policy.contentTypes.join(", ")} of at most ${policy.maxBytes} bytes`;
    if (!policy.contentTypes.includes(contentType)) {
      throw apiError("BAD_USER_INPUT", `${fits}; got type ${input.contentType}`, { field: "contentType", reason: "CONTENT_TYPE_NOT_ALLOWED", ...allowed });
    }
    if (input.sizeBytes > policy.maxBytes) {
      throw apiError("BAD_USER_INPUT", `${fits}; got ${input.sizeBytes} bytes`, { field: "sizeBytes", reason: "FILE_TOO_LARGE", ...allowed });
    }
    const asset = await reservePendingUpload(
      ctx.em,
      { ownerId: owner.userId, purpose: input.purpose, filename: input.filename.trim(), contentType, sizeBytes: input.sizeBytes },
      this.services.settings.maxPendingUploads,
    );
    const presigned = await this.services.storage.presignUpload(stagingKey(asset), contentType, asset.sizeBytes);
    return {
      uploadUrl: presigned.url,
      method: "PUT",
      headers: Object.entries(presigned.headers).map(([name, value]) => ({ name, value })),
      expiresAt: presigned.expiresAt,
      asset,
    };
  }

  @Access({ scope: UPLOAD_SCOPES, policy: uploaderOnly })
  @Mutation(() => MediaAsset, { description: "Check the uploaded object: READY if it matches the declaration, else REJECTED and deleted" })
  async completeUpload(
    @Arg("assetId", () => ID, { description: "The upload whose bytes you have PUT (one of yours)" }) assetId: string,
    @Ctx() ctx: ContentContext,
  ): Promise<MediaAsset> {
    const asset = (await ctx.loaders.assetById.load(assetId))!;
    if (asset.status !== AssetStatus.PENDING) return asset;
    const outcome = await completeAsset(ctx.em, this.services.storage, asset.id);
    if (outcome.status === "gone") throw notFound("Upload");
    if (outcome.status === "missing") {
      throw apiError("BAD_USER_INPUT", "Nothing has been uploaded for this asset yet: PUT the file to its uploadUrl first", {
        reason: "OBJECT_NOT_UPLOADED",
      });
    }
    await ctx.changed(assetTag(asset.id));
    return outcome.asset;
  }

  @Access({ scope: "content:read", policy: uploaderOrAdmin })
  @Query(() => MediaAsset, { nullable: true, description: "One of your uploads (any upload, for admins)" })
  async mediaAsset(@Arg("id", () => ID, { description: "The upload's id" }) id: string, @Ctx() ctx: ContentContext): Promise<MediaAsset | null> {
    ctx.reads(assetTag(id));
    return ctx.loaders.assetById.load(id);
  }

  @FieldResolver(() => String, { nullable: true, description: "A short-lived download URL once READY (or the public CDN URL)" })
  url(@Root() asset: MediaAsset): Promise<string> | null {
    if (asset.status !== AssetStatus.READY) return null;
    return this.services.storage.downloadUrl(asset.key, {
      filename: asset.filename,
      contentType: asset.contentType,
      disposition: downloadDisposition(asset.contentType),
      public: UPLOAD_POLICIES[asset.purpose].public,
    });
  }

  @FieldResolver(() => User, { description: "The account that uploaded it" })
  owner(@Root() asset: MediaAsset): User {
    return userRef(asset.ownerId);
  }
}

/**
 * A reference from anywhere (including an anonymous `_entities` call straight to this subgraph)
 * gets what the viewer may see: their own assets, anything for admins, and otherwise only READY
 * assets of public purposes (profile pictures, course covers).
 */
export async function resolveAssetReference(reference: { id: string }, ctx: ContentContext): Promise<MediaAsset | null> {
  requireScope(ctx.identity, "content:read");
  ctx.reads(assetTag(reference.id));
  const asset = await ctx.loaders.assetById.load(reference.id);
  return asset && publicOrOwnAsset.visible(ctx.identity, asset) ? asset : null;
}

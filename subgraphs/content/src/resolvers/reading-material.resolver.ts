import type { Row } from "@solo/kit";
import { Access, CacheHint, DEFAULT_CACHE_MAX_AGE, paginate, queueAudit, signedInCaller } from "@solo/kit";
import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { MaterialKind, MediaAsset, ReadingMaterial, UploadPurpose, User, userRef } from "../entities";
import type { ContentContext } from "../context";
import { requireOwnReadyAsset } from "../services/assets";
import { ReadingMaterialConnection, ReadingMaterialInput } from "./types";
import { MATERIALS, assetTag } from "./cache-tags";

@Resolver(() => ReadingMaterial)
export class ReadingMaterialResolver {
  @Access({ roles: ["INSTRUCTOR", "ADMIN"], scope: "content:write" })
  @Mutation(() => ReadingMaterial, { description: "Publish a reading material (instructors and admins)" })
  async createReadingMaterial(@Arg("input", { description: "The new material" }) input: ReadingMaterialInput, @Ctx() ctx: ContentContext): Promise<ReadingMaterial> {
    const author = signedInCaller(ctx.identity);
    const attachment = input.attachmentAssetId ? await requireOwnReadyAsset(ctx, input.attachmentAssetId, UploadPurpose.MATERIAL, "attachmentAssetId") : null;
    const now = new Date();
    const material = ctx.em.create(ReadingMaterial, {
      title: input.title.trim(),
      kind: input.kind,
      topic: input.topic.trim().toLowerCase(),
      body: input.body,
      attachmentAssetId: attachment?.id ?? null,
      authorId: author.userId,
      publishedAt: now,
      createdAt: now,
    });
    queueAudit(ctx.em, ctx, "reading_material.published", { type: "ReadingMaterial", id: material.id }, { kind: material.kind });
    await ctx.em.flush();
    await ctx.changed(MATERIALS);
    return material;
  }

  @Access({ publicData: true, scope: "content:read" })
  @CacheHint({ maxAge: DEFAULT_CACHE_MAX_AGE })
  @Query(() => ReadingMaterialConnection, { description: "Published reading materials, newest first" })
  readingMaterials(
    @Arg("kind", () => MaterialKind, { description: "Only materials of this kind", nullable: true }) kind: MaterialKind | null,
    @Arg("topic", () => String, { description: "Only materials on this topic (case does not matter)", nullable: true }) topic: string | null,
    @Arg("first", () => Int, { description: "Page size: 0 to 100, 20 by default", nullable: true }) first: number | null,
    @Arg("after", () => String, { description: "Cursor from a previous page's pageInfo.endCursor: the page starts after it", nullable: true }) after: string | null,
    @Ctx() ctx: ContentContext,
  ): Promise<ReadingMaterialConnection> {
    const where: Record<string, unknown> = { publishedAt: { $ne: null } };
    if (kind) where.kind = kind;
    if (topic) where.topic = topic.trim().toLowerCase();
    ctx.reads(MATERIALS);
    return paginate(ctx.em, ReadingMaterial, where, { first, after, direction: "desc" });
  }

  @FieldResolver(() => MediaAsset, { description: "A file to go with it (a MATERIAL upload); null without one", nullable: true })
  attachment(@Root() material: Row<ReadingMaterial>, @Ctx() ctx: ContentContext): Promise<MediaAsset | null> | null {
    if (!material.attachmentAssetId) return null;
    ctx.reads(assetTag(material.attachmentAssetId));
    return ctx.loaders.assetById.load(material.attachmentAssetId);
  }

  @FieldResolver(() => User, { description: "The account that wrote it (an instructor or an admin)" })
  author(@Root() material: Row<ReadingMaterial>): User {
    return userRef(material.authorId);
  }
}

/** Published materials are public data: any caller reads them, a key with or without content:read. */
export async function resolveMaterialReference(reference: { id: string }, ctx: ContentContext): Promise<ReadingMaterial | null> {
  // Materials are never edited: one appears (MATERIALS) and stays as it was.
  ctx.reads(MATERIALS);
  const material = await ctx.loaders.materialById.load(reference.id);
  return material?.publishedAt ? material : null;
}

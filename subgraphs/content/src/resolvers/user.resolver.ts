import { Access } from "@solo/kit";
import { Ctx, Directive, FieldResolver, Resolver, Root } from "type-graphql";
import { AssetStatus, Course, MediaAsset, UploadPurpose, User } from "../entities";
import type { ContentContext } from "../context";
import { publishedOrAuthor } from "../services/visibility";
import { COURSES, assetTag, userTag } from "./cache-tags";

@Resolver(() => User)
export class UserContentResolver {
  /**
   * The users subgraph keeps which asset; this subgraph knows what it is and where it lives. A
   * profile picture is public data: everyone sees it, whatever their key's scopes.
   */
  @Access({ publicData: true, scope: "content:read" })
  @FieldResolver(() => MediaAsset, { nullable: true, description: "Profile picture (an AVATAR upload); null without one" })
  @Directive('@requires(fields: "avatarAssetId")')
  async avatar(@Root() user: User, @Ctx() ctx: ContentContext): Promise<MediaAsset | null> {
    if (!user.avatarAssetId) return null;
    ctx.reads(assetTag(user.avatarAssetId));
    const asset = await ctx.loaders.assetById.load(user.avatarAssetId);
    // Only an avatar the account itself uploaded and completed can be shown as its picture.
    const usable = asset && asset.ownerId === user.id && asset.purpose === UploadPurpose.AVATAR && asset.status === AssetStatus.READY;
    return usable ? asset : null;
  }

  @Access({ public: true, scope: "content:read", filter: publishedOrAuthor })
  @FieldResolver(() => [Course], { description: "Courses this person wrote: all of them for the author and admins, published ones for others" })
  async authoredCourses(@Root() user: User, @Ctx() ctx: ContentContext): Promise<Course[]> {
    ctx.reads(COURSES);
    const courses = await ctx.loaders.coursesByAuthor.load(user.id);
    // The author's own drafts included: publishedOrAuthor lets the author and admins see every one.
    return courses.filter((course) => publishedOrAuthor.visible(ctx.identity, course));
  }
}

/** Users are the users subgraph's: here a reference only carries what the gateway sends. */
export function resolveUserReference(reference: { id: string; avatarAssetId?: string | null }, ctx: ContentContext): User {
  ctx.reads(userTag(reference.id));
  return Object.assign(new User(), reference);
}

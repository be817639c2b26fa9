import { Access, MultiLine, NotBlank, Secret } from "@solo/kit";
import { ArrayMaxSize, IsInt, IsOptional, Length, Min } from "class-validator";
import { Field, Float, ID, InputType, Int, ObjectType } from "type-graphql";
import { SocialPlatform, SocialPost } from "../entities";

const NOT_NEGATIVE = (name: string) => Min(0, { message: `${name} must not be negative` });

@InputType({ description: "An account on a platform, and the token to act for it" })
export class ConnectSocialAccountInput {
  @Field(() => SocialPlatform, { description: "Where the account lives" })
  platform!: SocialPlatform;

  @Field({ description: "The account's name on the platform (a leading @ is dropped)" })
  @NotBlank()
  @Length(1, 31, { message: "handle must be 1 to 30 characters" })
  handle!: string;

  @Field({ description: "The platform's access token: kept encrypted, never returned" })
  @Secret()
  @NotBlank()
  @Length(1, 4096, { message: "accessToken must be at most 4096 characters" })
  accessToken!: string;

  @Field(() => Date, { nullable: true, description: "When the token stops working, if the platform said" })
  @IsOptional()
  tokenExpiresAt?: Date | null;
}

@InputType({ description: "A published post's latest numbers, as the platform reports them" })
export class PostMetricsInput {
  @Field({ description: "The platform's id for the post: re-sending it updates that post" })
  @NotBlank()
  externalId!: string;

  @Field(() => String, { description: "Its caption", nullable: true })
  @IsOptional()
  @MultiLine()
  caption?: string | null;

  @Field(() => String, { description: "Its URL on the platform", nullable: true })
  @IsOptional()
  permalink?: string | null;

  @Field({ description: "When it was published" })
  publishedAt!: Date;

  @Field(() => Int, { description: "Likes so far (0 or more)" })
  @IsInt()
  @NOT_NEGATIVE("likes")
  likes!: number;

  @Field(() => Int, { description: "Comments so far (0 or more)" })
  @IsInt()
  @NOT_NEGATIVE("comments")
  comments!: number;

  @Field(() => Int, { description: "Saves so far (0 or more)" })
  @IsInt()
  @NOT_NEGATIVE("saves")
  saves!: number;

  @Field(() => Int, { description: "Shares so far (0 or more)" })
  @IsInt()
  @NOT_NEGATIVE("shares")
  shares!: number;

  @Field(() => Int, { description: "Accounts that saw it (0 or more)" })
  @IsInt()
  @NOT_NEGATIVE("reach")
  reach!: number;

  @Field(() => Int, { description: "Times it was shown (0 or more)" })
  @IsInt()
  @NOT_NEGATIVE("impressions")
  impressions!: number;
}

@InputType({ description: "A post to publish later" })
export class SchedulePostInput {
  @Field(() => ID, { description: "An ACTIVE account of yours (any, for admins)" })
  accountId!: string;

  @Field({ description: "Up to 2,200 characters with the hashtags added" })
  @NotBlank()
  @MultiLine()
  caption!: string;

  @Field(() => [String], { nullable: true, description: "Added to the caption when published; at most 30 with the caption's own" })
  @IsOptional()
  @ArrayMaxSize(30, { message: "a post may carry at most 30 hashtags" })
  hashtags?: string[] | null;

  @Field(() => ID, { nullable: true, description: "A READY SOCIAL_MEDIA upload of yours (Instagram needs one)" })
  @IsOptional()
  mediaAssetId?: string | null;

  @Field({ description: "At least a minute ahead" })
  scheduledFor!: Date;

  @Field(() => ID, { nullable: true, description: "A course the post promotes" })
  @IsOptional()
  promotesCourseId?: string | null;
}

@ObjectType({ description: "One day of an account's posts (UTC)" })
@Access({ withParent: true })
export class DailyEngagementPoint {
  @Field({ description: "YYYY-MM-DD" })
  date!: string;

  @Field(() => Int, { description: "Posts published that day" })
  posts!: number;

  @Field(() => Float, { description: "Likes, comments, saves and shares" })
  interactions!: number;

  @Field(() => Float, { description: "Accounts reached by that day's posts, summed over posts" })
  reach!: number;

  @Field(() => Float, { description: "Times that day's posts were shown" })
  impressions!: number;

  @Field(() => Float, { description: "That day's interactions ÷ reach × 100 (0 when reach is 0)" })
  engagementRate!: number;
}

@ObjectType({ description: "An account's engagement over a window of days" })
@Access({ withParent: true })
export class AccountAnalytics {
  @Field(() => ID, { description: "The account" })
  accountId!: string;

  @Field(() => Int, { description: "The window's length in days, ending today (UTC)" })
  days!: number;

  @Field(() => Int, { description: "Followers as last recorded" })
  followers!: number;

  @Field(() => Float, { description: "The window's interactions ÷ reach × 100" })
  engagementRate!: number;

  @Field(() => Float, { description: "Accounts reached by the window's posts, summed over posts" })
  totalReach!: number;

  @Field(() => Int, { nullable: true, description: "Hour of day (0-23, UTC) whose posts engage best on average; null without posts" })
  bestPostingHour!: number | null;

  @Field(() => [DailyEngagementPoint], { description: "Every day of the window, oldest first" })
  daily!: DailyEngagementPoint[];

  @Field(() => [SocialPost], { description: "The window's five posts with the best engagement" })
  topPosts!: SocialPost[];
}

@ObjectType({ description: "An account's engagement now (the last 30 days), as engagementUpdated delivers it" })
@Access({ withParent: true })
export class EngagementUpdate {
  @Field(() => ID, { description: "The account" })
  accountId!: string;

  @Field(() => Float, { description: "The last 30 days' interactions ÷ reach × 100" })
  engagementRate!: number;

  @Field(() => Float, { description: "Accounts reached by the last 30 days' posts, summed over posts" })
  totalReach!: number;

  @Field({ description: "When metrics last arrived" })
  at!: Date;
}

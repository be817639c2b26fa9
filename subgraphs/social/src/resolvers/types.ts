import { Access, MultiLine, NotBlank, Secret } from "@solo/kit";
import { ArrayMaxSize, IsInt, IsOptional, Length, Min } from "class-validator";
import { Field, Float, ID, InputType, Int, ObjectType } from "type-graphql";
import { SocialPlatform, SocialPost } from "../entities";

const NOT_NEGATIVE = (name: string) => Min(0, { message: `${name} must not be negative` });

@InputType()
export class ConnectSocialAccountInput {
  @Field(() => SocialPlatform)
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

@InputType()
export class PostMetricsInput {
  @Field({ description: "The platform's id for the post: re-sending it updates that post" })
  @NotBlank()
  externalId!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MultiLine()
  caption?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  permalink?: string | null;

  @Field()
  publishedAt!: Date;

  @Field(() => Int)
  @IsInt()
  @NOT_NEGATIVE("likes")
  likes!: number;

  @Field(() => Int)
  @IsInt()
  @NOT_NEGATIVE("comments")
  comments!: number;

  @Field(() => Int)
  @IsInt()
  @NOT_NEGATIVE("saves")
  saves!: number;

  @Field(() => Int)
  @IsInt()
  @NOT_NEGATIVE("shares")
  shares!: number;

  @Field(() => Int)
  @IsInt()
  @NOT_NEGATIVE("reach")
  reach!: number;

  @Field(() => Int)
  @IsInt()
  @NOT_NEGATIVE("impressions")
  impressions!: number;
}

@InputType()
export class SchedulePostInput {
  @Field(() => ID)
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

  @Field(() => Int)
  posts!: number;

  @Field(() => Float, { description: "Likes, comments, saves and shares" })
  interactions!: number;

  @Field(() => Float)
  reach!: number;

  @Field(() => Float)
  impressions!: number;

  @Field(() => Float)
  engagementRate!: number;
}

@ObjectType({ description: "An account's engagement over a window of days" })
@Access({ withParent: true })
export class AccountAnalytics {
  @Field(() => ID)
  accountId!: string;

  @Field(() => Int)
  days!: number;

  @Field(() => Int)
  followers!: number;

  @Field(() => Float, { description: "The window's interactions ÷ reach × 100" })
  engagementRate!: number;

  @Field(() => Float)
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
  @Field(() => ID)
  accountId!: string;

  @Field(() => Float)
  engagementRate!: number;

  @Field(() => Float)
  totalReach!: number;

  @Field({ description: "When metrics last arrived" })
  at!: Date;
}

import { registerEnumType } from "type-graphql";

export enum SocialPlatform {
  INSTAGRAM = "INSTAGRAM",
}

export enum SocialAccountStatus {
  ACTIVE = "ACTIVE",
  DISCONNECTED = "DISCONNECTED",
  TOKEN_EXPIRED = "TOKEN_EXPIRED",
}

export enum ScheduledPostStatus {
  SCHEDULED = "SCHEDULED",
  PUBLISHING = "PUBLISHING",
  PUBLISHED = "PUBLISHED",
  FAILED = "FAILED",
  CANCELLED = "CANCELLED",
}

registerEnumType(SocialPlatform, { name: "SocialPlatform", description: "Where a connected account lives" });
registerEnumType(SocialAccountStatus, { name: "SocialAccountStatus" });
registerEnumType(ScheduledPostStatus, {
  name: "ScheduledPostStatus",
  description: "SCHEDULED → PUBLISHING → PUBLISHED or FAILED; CANCELLED before publishing starts",
});

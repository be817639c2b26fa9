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

registerEnumType(SocialPlatform, {
  name: "SocialPlatform",
  description: "Where a connected account lives",
  valuesConfig: { INSTAGRAM: { description: "Instagram (a business or creator account)" } },
});
registerEnumType(SocialAccountStatus, {
  name: "SocialAccountStatus",
  description: "Whether a connected account works",
  valuesConfig: {
    ACTIVE: { description: "Connected, with a working token" },
    DISCONNECTED: { description: "Disconnected by its owner: its token is erased" },
    TOKEN_EXPIRED: { description: "The token expired (or the platform refused it): connect the account again with a new one" },
  },
});
registerEnumType(ScheduledPostStatus, {
  name: "ScheduledPostStatus",
  description: "SCHEDULED → PUBLISHING → PUBLISHED or FAILED; CANCELLED before publishing starts",
  valuesConfig: {
    SCHEDULED: { description: "Waiting for its time; may be cancelled" },
    PUBLISHING: { description: "Being sent to the platform (retried on failure)" },
    PUBLISHED: { description: "On the platform" },
    FAILED: { description: "Gave up: lastError says why" },
    CANCELLED: { description: "Cancelled before publishing started" },
  },
});

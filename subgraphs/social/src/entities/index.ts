import { AuditOutboxEntry } from "@solo/kit";
import { DailyEngagement } from "./daily-engagement";
import { ScheduledPost } from "./scheduled-post";
import { SocialAccount } from "./social-account";
import { SocialPost } from "./social-post";

export * from "./daily-engagement";
export * from "./enums";
export * from "./references";
export * from "./scheduled-post";
export * from "./social-account";
export * from "./social-post";

export const entities = [SocialAccount, SocialPost, DailyEngagement, ScheduledPost, AuditOutboxEntry];

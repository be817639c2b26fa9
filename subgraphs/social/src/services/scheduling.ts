import { badInput, isStorableDate } from "@solo/kit";
import { SocialPlatform } from "../entities";
import { MAX_CAPTION_LENGTH, MAX_HASHTAGS, hashtagsIn, normalizeHashtag, publishedCaption } from "./engagement";

/** How soon a post may be scheduled, and how far ahead. */
const MIN_LEAD_MS = 60_000;
const MAX_LEAD_MS = 365 * 86_400_000;

export interface ScheduleRequest {
  caption: string;
  hashtags?: string[] | null;
  mediaAssetId?: string | null;
  scheduledFor: Date;
}

/**
 * The checks a post passes before anything is asked of content or stored: its time, its caption
 * as it will be published (hashtags added) within Instagram's 2,200 characters and 30 hashtags,
 * and media where the platform needs it. Returns the hashtags as stored.
 */
export function checkSchedule(request: ScheduleRequest, platform: SocialPlatform, now: Date): string[] {
  const lead = request.scheduledFor.getTime() - now.getTime();
  if (!isStorableDate(request.scheduledFor) || lead < MIN_LEAD_MS) throw badInput("scheduledFor must be at least a minute ahead", "scheduledFor");
  if (lead > MAX_LEAD_MS) throw badInput("scheduledFor must be within a year", "scheduledFor");
  const hashtags: string[] = [];
  for (const tag of request.hashtags ?? []) {
    const normal = normalizeHashtag(tag);
    if (!normal) throw badInput("each hashtag must be letters, digits or _ (1 to 100), with or without its #", "hashtags");
    if (!hashtags.some((kept) => kept.toLowerCase() === normal.toLowerCase())) hashtags.push(normal);
  }
  const caption = publishedCaption(request.caption, hashtags);
  if (caption.length > MAX_CAPTION_LENGTH) throw badInput(`caption must be at most ${MAX_CAPTION_LENGTH} characters with its hashtags`, "caption");
  const distinct = new Set(hashtagsIn(caption).map((tag) => tag.toLowerCase()));
  if (distinct.size > MAX_HASHTAGS) throw badInput(`a post may carry at most ${MAX_HASHTAGS} hashtags, the caption's and the listed ones together`, "hashtags");
  if (platform === SocialPlatform.INSTAGRAM && !request.mediaAssetId) throw badInput("Instagram posts need an image or a video: give mediaAssetId", "mediaAssetId");
  return hashtags;
}

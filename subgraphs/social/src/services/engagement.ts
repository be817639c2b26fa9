/** What a post's engagement counts: each interaction once. */
export interface Interactions {
  likes: number;
  comments: number;
  saves: number;
  shares: number;
  reach: number;
}

/**
 * The contract's engagement rate: (likes + comments + saves + shares) ÷ reach × 100, and 0 when
 * nothing was reached. Rounded to 2 decimals, as the analytics' SQL rounds it.
 */
export function engagementRate({ likes, comments, saves, shares, reach }: Interactions): number {
  if (reach <= 0) return 0;
  // In hundredths first, from integers: one division, so an exact half (23 of 160 is 14.375) stays
  // one and rounds up as Postgres's round() does, instead of falling a float's width short of it.
  return Math.round(((likes + comments + saves + shares) * 10_000) / reach) / 100;
}

/** Instagram's ceilings on a caption: 2,200 characters and 30 hashtags, the caption's own and the listed ones together. */
export const MAX_CAPTION_LENGTH = 2_200;
export const MAX_HASHTAGS = 30;

/** The hashtags written in a caption (`#word`, letters, digits and underscores in any script). */
export function hashtagsIn(caption: string): string[] {
  return caption.match(/#[\p{L}\p{N}_]+/gu) ?? [];
}

/** A listed hashtag as it is stored: without its `#`, and one tag a caption could hold. */
export function normalizeHashtag(tag: string): string | undefined {
  const bare = tag.trim().replace(/^#/, "");
  return /^[\p{L}\p{N}_]{1,100}$/u.test(bare) ? bare : undefined;
}

/** The caption as it is published: the text, then the listed hashtags the text does not already hold. */
export function publishedCaption(caption: string, hashtags: readonly string[]): string {
  const present = new Set(hashtagsIn(caption).map((tag) => tag.slice(1).toLowerCase()));
  const added = hashtags.filter((tag) => !present.has(tag.toLowerCase())).map((tag) => `#${tag}`);
  return added.length ? `${caption}\n\n${added.join(" ")}` : caption;
}

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GraphQLError } from "graphql";
import { socialSettingsFromEnv } from "../src/config";
import { SocialPlatform } from "../src/entities";
import { windowStart } from "../src/services/analytics";
import { engagementRate, hashtagsIn, normalizeHashtag, publishedCaption } from "../src/services/engagement";
import type { PostMetrics } from "../src/services/post-metrics";
import { checkPostMetrics } from "../src/services/post-metrics";
import { checkSchedule } from "../src/services/scheduling";

/** Worked examples, computed by hand (the comment beside each shows the arithmetic). */

/** The call is refused with BAD_USER_INPUT on `field`, its message matching. */
function refused(call: () => unknown, field: string, message: RegExp): void {
  assert.throws(call, (error: unknown) => {
    assert.ok(error instanceof GraphQLError, `not a GraphQLError: ${String(error)}`);
    assert.deepEqual(error.extensions, { code: "BAD_USER_INPUT", field });
    assert.match(error.message, message);
    return true;
  });
}

describe("engagementRate", () => {
  const counts = (likes: number, comments: number, saves: number, shares: number, reach: number) => ({ likes, comments, saves, shares, reach });

  it("is every interaction over reach, as a percentage", () => {
    assert.equal(engagementRate(counts(30, 10, 5, 5, 1_000)), 5); // 50 / 1000 × 100
    assert.equal(engagementRate(counts(3, 0, 0, 0, 8)), 37.5); // 3 / 8 × 100
    assert.equal(engagementRate(counts(150, 30, 15, 5, 100)), 200); // more interactions than reach: 200 / 100 × 100
  });

  it("is 0 when nothing was reached, whatever the interactions", () => {
    assert.equal(engagementRate(counts(0, 0, 0, 0, 0)), 0);
    assert.equal(engagementRate(counts(4, 1, 0, 0, 0)), 0);
  });

  it("rounds to 2 decimals, halves up, as Postgres rounds the daily rates", () => {
    assert.equal(engagementRate(counts(1, 0, 0, 0, 3)), 33.33); // 33.333…
    assert.equal(engagementRate(counts(1, 1, 0, 0, 3)), 66.67); // 66.666…
    assert.equal(engagementRate(counts(1, 0, 0, 0, 800)), 0.13); // 0.125 exactly
    assert.equal(engagementRate(counts(20, 2, 1, 0, 160)), 14.38); // 23 / 160 × 100 = 14.375 exactly
    assert.equal(engagementRate(counts(40, 1, 0, 0, 160)), 25.63); // 41 / 160 × 100 = 25.625 exactly
    assert.equal(engagementRate(counts(1, 0, 0, 0, 200_000)), 0); // 0.0005
  });
});

describe("hashtags", () => {
  it("finds the caption's hashtags, in any script, as written", () => {
    assert.deepEqual(hashtagsIn("Launch day #SOLO #clat_2027! #café and #数学, not # alone"), ["#SOLO", "#clat_2027", "#café", "#数学"]);
    assert.deepEqual(hashtagsIn("none here"), []);
  });

  it("stores a listed hashtag without its #, and refuses what a caption could not hold as one tag", () => {
    assert.equal(normalizeHashtag("#Solo"), "Solo");
    assert.equal(normalizeHashtag("  clat_2027 "), "clat_2027");
    assert.equal(normalizeHashtag("#数学"), "数学");
    assert.equal(normalizeHashtag("x".repeat(100)), "x".repeat(100));
    for (const bad of ["", "#", "##solo", "two words", "solo!", "x".repeat(101)]) assert.equal(normalizeHashtag(bad), undefined, bad);
  });

  it("publishes the caption, then the listed hashtags it does not already hold (case-insensitively)", () => {
    assert.equal(publishedCaption("Launch day #solo", ["Solo", "clat", "law"]), "Launch day #solo\n\n#clat #law");
    assert.equal(publishedCaption("Launch day #SOLO", ["solo"]), "Launch day #SOLO");
    assert.equal(publishedCaption("Plain", []), "Plain");
  });
});

describe("checkSchedule", () => {
  const now = new Date("2026-12-01T10:00:00Z");
  const at = (msAhead: number) => new Date(now.getTime() + msAhead);
  const MEDIA = "6f1b8f2e-3d0a-4e58-9a1c-2b7c5d9e0f11";
  const schedule = (overrides: { caption?: string; hashtags?: string[]; mediaAssetId?: string | null; scheduledFor?: Date } = {}) =>
    checkSchedule({ caption: "Launch day", mediaAssetId: MEDIA, scheduledFor: at(3_600_000), ...overrides }, SocialPlatform.INSTAGRAM, now);

  it("takes a post a minute ahead exactly, and refuses one 59 s ahead or in the past", () => {
    assert.deepEqual(schedule({ scheduledFor: at(60_000) }), []);
    refused(() => schedule({ scheduledFor: at(59_000) }), "scheduledFor", /at least a minute ahead/);
    refused(() => schedule({ scheduledFor: at(-1) }), "scheduledFor", /at least a minute ahead/);
    refused(() => schedule({ scheduledFor: new Date(Number.NaN) }), "scheduledFor", /at least a minute ahead/);
  });

  it("takes a post a year ahead (365 days), and refuses one a millisecond further", () => {
    assert.deepEqual(schedule({ scheduledFor: at(365 * 86_400_000) }), []);
    refused(() => schedule({ scheduledFor: at(365 * 86_400_000 + 1) }), "scheduledFor", /within a year/);
  });

  it("returns the listed hashtags as stored: without #, the first spelling of each kept", () => {
    assert.deepEqual(schedule({ hashtags: ["#Solo", "clat", "SOLO", " #law "] }), ["Solo", "clat", "law"]);
    refused(() => schedule({ hashtags: ["two words"] }), "hashtags", /letters, digits or _/);
  });

  it("counts the added hashtags in the caption's 2,200 characters", () => {
    // "x…x" (2,190) + "\n\n" + "#abcdefg" = 2,200
    assert.deepEqual(schedule({ caption: "x".repeat(2_190), hashtags: ["abcdefg"] }), ["abcdefg"]);
    refused(() => schedule({ caption: "x".repeat(2_190), hashtags: ["abcdefgh"] }), "caption", /at most 2200 characters with its hashtags/);
    refused(() => schedule({ caption: "x".repeat(2_201) }), "caption", /at most 2200/);
    // A listed tag the caption already holds adds nothing: 2,200 as written.
    assert.deepEqual(schedule({ caption: `${"x".repeat(2_194)} #solo`, hashtags: ["SOLO"] }), ["SOLO"]);
  });

  it("allows 30 hashtags, the caption's and the listed ones together, counted case-insensitively", () => {
    const tags = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `tag${from + i}`);
    const caption = tags(0, 20)
      .map((tag) => `#${tag}`)
      .join(" ");
    // 20 in the caption + 10 listed = 30
    assert.equal(schedule({ caption, hashtags: tags(20, 30) }).length, 10);
    // 20 + 11 = 31
    refused(() => schedule({ caption, hashtags: tags(20, 31) }), "hashtags", /at most 30 hashtags/);
    // 20 + 10 new + 5 the caption holds in other capitals = 30
    assert.equal(schedule({ caption, hashtags: [...tags(20, 30), ...tags(0, 5).map((tag) => tag.toUpperCase())] }).length, 15);
    // The caption alone: #Tag0 and #tag0 are one hashtag (30 distinct), then 31.
    assert.deepEqual(
      schedule({
        caption: `${tags(0, 30)
          .map((tag) => `#${tag}`)
          .join(" ")} #TAG0`,
      }),
      [],
    );
    refused(
      () =>
        schedule({
          caption: tags(0, 31)
            .map((tag) => `#${tag}`)
            .join(" "),
        }),
      "hashtags",
      /at most 30 hashtags/,
    );
  });

  it("needs media for Instagram", () => {
    refused(() => schedule({ mediaAssetId: null }), "mediaAssetId", /need an image or a video/);
    refused(() => schedule({ mediaAssetId: "" }), "mediaAssetId", /need an image or a video/);
  });
});

describe("checkPostMetrics", () => {
  const now = new Date("2026-12-01T10:00:00Z");
  const post = (overrides: Partial<PostMetrics> = {}): PostMetrics => ({
    externalId: "1789",
    publishedAt: new Date("2026-11-30T18:00:00Z"),
    likes: 10,
    comments: 2,
    saves: 1,
    shares: 0,
    reach: 400,
    impressions: 600,
    ...overrides,
  });

  it("takes a good batch, zero counts, and followersCount alone", () => {
    checkPostMetrics([post(), post({ externalId: "1790", likes: 0, reach: 0, impressions: 0, permalink: "https://www.instagram.com/p/Cx1/" })], now);
    checkPostMetrics([], now, 1_200);
    checkPostMetrics([post({ publishedAt: new Date(now.getTime() + 5 * 60_000) })], now); // clock skew: five minutes
  });

  it("refuses negative counts, naming the post and the count", () => {
    for (const count of ["likes", "comments", "saves", "shares", "reach", "impressions"] as const) {
      refused(
        () => checkPostMetrics([post({ externalId: "a" }), post({ externalId: "b", [count]: -1 })], now),
        count,
        new RegExp(`^posts\\[1\\]\\.${count} must not be negative`),
      );
    }
    refused(() => checkPostMetrics([post()], now, -1), "followersCount", /must not be negative/);
  });

  it("refuses an externalId repeated in one call (also with spaces around it), and a blank one", () => {
    refused(
      () => checkPostMetrics([post({ externalId: "a" }), post({ externalId: "b" }), post({ externalId: " a " })], now),
      "externalId",
      /^posts\[2\]\.externalId repeats/,
    );
    refused(() => checkPostMetrics([post({ externalId: "  " })], now), "externalId", /^posts\[0\]\.externalId must be 1 to 200/);
    refused(() => checkPostMetrics([post({ externalId: "x".repeat(201) })], now), "externalId", /1 to 200/);
  });

  it("refuses a publishedAt in the future (beyond five minutes of skew), or no date at all", () => {
    refused(
      () => checkPostMetrics([post({ publishedAt: new Date(now.getTime() + 5 * 60_000 + 1) })], now),
      "publishedAt",
      /^posts\[0\]\.publishedAt must be a date that has passed/,
    );
    refused(() => checkPostMetrics([post({ publishedAt: new Date(Number.NaN) })], now), "publishedAt", /has passed/);
  });

  it("takes 100 posts a call and refuses 101, or none without followersCount", () => {
    const posts = (n: number) => Array.from({ length: n }, (_, i) => post({ externalId: `p${i}` }));
    checkPostMetrics(posts(100), now);
    refused(() => checkPostMetrics(posts(101), now), "posts", /at most 100 posts per call/);
    refused(() => checkPostMetrics([], now), "posts", /at least one post/);
  });

  it("refuses a permalink that is not an https URL, and a caption over 2,200 characters", () => {
    for (const permalink of ["http://www.instagram.com/p/Cx1/", "instagram.com/p/Cx1", "javascript:alert(1)", `https://x.example/${"a".repeat(2_000)}`]) {
      refused(() => checkPostMetrics([post({ permalink })], now), "permalink", /^posts\[0\]\.permalink must be an https URL/);
    }
    refused(() => checkPostMetrics([post({ caption: "x".repeat(2_201) })], now), "caption", /at most 2,200/);
  });
});

describe("windowStart", () => {
  it("is the first UTC day of a window of `days` days that ends today", () => {
    assert.equal(windowStart(new Date("2026-03-10T23:59:59Z"), 1), "2026-03-10");
    assert.equal(windowStart(new Date("2026-03-10T00:00:00Z"), 7), "2026-03-04"); // 10 − 6
    assert.equal(windowStart(new Date("2026-03-01T12:00:00Z"), 2), "2026-02-28"); // not a leap year
    assert.equal(windowStart(new Date("2028-03-01T12:00:00Z"), 2), "2028-02-29");
    assert.equal(windowStart(new Date("2026-12-31T08:00:00Z"), 365), "2026-01-01");
    // 23:30 at UTC−5 is already the next day in UTC.
    assert.equal(windowStart(new Date("2026-03-10T23:30:00-05:00"), 1), "2026-03-11");
  });
});

describe("socialSettingsFromEnv", () => {
  it("reads its defaults", () => {
    const settings = socialSettingsFromEnv({});
    assert.deepEqual(
      [settings.instagramGraphUrl, settings.instagramTimeoutMs, settings.publishLeaseMs, settings.publishDailyLimit, settings.tokenKeys],
      ["https://graph.instagram.com/v23.0", 10_000, 120_000, 25, ""],
    );
  });

  it("refuses a lease that a claim's calls could outlast: it must be more than four call timeouts", () => {
    assert.equal(socialSettingsFromEnv({ INSTAGRAM_TIMEOUT_MS: "1000", PUBLISH_LEASE_MS: "4001" }).publishLeaseMs, 4_001);
    for (const env of [
      { INSTAGRAM_TIMEOUT_MS: "1000", PUBLISH_LEASE_MS: "4000" },
      { INSTAGRAM_TIMEOUT_MS: "30000" }, // 4 × 30 s = the default lease
    ]) {
      assert.throws(() => socialSettingsFromEnv(env), /PUBLISH_LEASE_MS must be more than four times INSTAGRAM_TIMEOUT_MS/);
    }
  });

  it("refuses to run in production without token keys", () => {
    const previous = process.env.NODE_ENV;
    process.env.NODE_ENV = "production";
    try {
      assert.throws(() => socialSettingsFromEnv({}), /SOCIAL_TOKEN_KEYS must be set in production/);
      assert.equal(socialSettingsFromEnv({ SOCIAL_TOKEN_KEYS: "k1:abc" }).tokenKeys, "k1:abc");
    } finally {
      process.env.NODE_ENV = previous;
    }
  });
});

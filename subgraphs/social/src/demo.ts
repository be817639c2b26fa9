import { createHash, randomUUID } from "node:crypto";
import type { EntityManager } from "@mikro-orm/postgresql";
import type { DemoPart } from "@solo/kit";
import { seededRandom } from "@solo/kit";
import { socialSettingsFromEnv } from "./config";
import { ScheduledPost, SocialAccount, SocialPlatform, SocialPost } from "./entities";
import { engagementRate } from "./services/engagement";
import { rebuildDailyEngagement } from "./services/post-metrics";
import { TokenCipher } from "./services/token-cipher";

/**
 * The demo's social side (`npm run seed`): two Instagram accounts of the demo marketer, each with a
 * year of daily posts and their metrics, and a few posts scheduled in the coming days.
 * @public read by tools/test/seed.test.ts from the built module
 */
export const DEMO_SOCIAL = {
  accounts: [
    { handle: "solo.clatprep", followersFrom: 8_200, followersTo: 14_600 },
    { handle: "solo.lawnotes", followersFrom: 2_900, followersTo: 5_300 },
  ],
  days: 365,
  scheduledPerAccount: 3,
};

/** Posting hours (UTC) and how well each does: 13:00 UTC is 18:30 in India, after college. */
const HOURS = [
  { hour: 3, effect: 0.85 },
  { hour: 6, effect: 0.95 },
  { hour: 10, effect: 1.0 },
  { hour: 13, effect: 1.3 },
  { hour: 15, effect: 1.15 },
];

const THEMES = [
  "Legal maxim of the day",
  "Five GK questions from this week's news",
  "Mock test tip",
  "Reading comprehension drill",
  "Logical reasoning puzzle",
  "Topper's timetable",
  "Case of the week in one minute",
];

/**
 * How much attention the exam calendar brings (day of the year): CLAT is sat in early December, so
 * October to December peak; admissions in May and June bring a smaller wave.
 */
function season(at: Date): number {
  const dayOfYear = (at.getTime() - Date.UTC(at.getUTCFullYear(), 0, 1)) / 86_400_000;
  return 1 + 0.45 * Math.exp(-(((dayOfYear - 320) / 35) ** 2)) + 0.2 * Math.exp(-(((dayOfYear - 150) / 25) ** 2));
}

/**
 * The same numeric id for a handle as the local Instagram stand-in gives a `dev-<handle>` token
 * (tools/src/instagram-stand-in.ts), so `npm start`'s stand-in knows the demo's accounts.
 */
function standInUserId(handle: string): string {
  const digest = createHash("sha256").update(handle.toLowerCase()).digest("hex");
  return `17841${BigInt(`0x${digest.slice(0, 12)}`)
    .toString()
    .padStart(15, "0")
    .slice(-12)}`;
}

export const socialDemo: DemoPart = {
  isLoaded: async (em: EntityManager) => (await em.count(SocialAccount, { handle: { $in: DEMO_SOCIAL.accounts.map((account) => account.handle) } })) > 0,
  async load(em: EntityManager, earlier, log) {
    const { marketerId } = earlier.users as { marketerId: string };
    const courseId = (earlier.content as { courseId?: string } | undefined)?.courseId ?? null;
    const tokens = new TokenCipher(socialSettingsFromEnv(process.env).tokenKeys);
    const random = seededRandom(7);
    const now = new Date();
    const day = 86_400_000;
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    let posts = 0;
    const accountIds: string[] = [];
    for (const [index, demo] of DEMO_SOCIAL.accounts.entries()) {
      const id = randomUUID();
      const connectedAt = new Date(today - (DEMO_SOCIAL.days + 2) * day);
      accountIds.push(id);
      em.create(SocialAccount, {
        id,
        ownerId: marketerId,
        platform: SocialPlatform.INSTAGRAM,
        handle: demo.handle,
        platformUserId: standInUserId(demo.handle),
        // The stand-in's open token for the handle: `npm start` publishes the scheduled posts to it.
        tokenSealed: tokens.seal(`dev-${demo.handle}`, id),
        followersCount: demo.followersTo,
        postsCount: DEMO_SOCIAL.days,
        lastSyncedAt: new Date(now.getTime() - 3_600_000),
        createdAt: connectedAt,
        updatedAt: now,
      });
      // One post a day, yesterday and the year before it, at one of the usual hours.
      const rows = Array.from({ length: DEMO_SOCIAL.days }, (_, n) => {
        const daysAgo = DEMO_SOCIAL.days - n;
        const slot = HOURS[Math.floor(random() * HOURS.length)];
        const publishedAt = new Date(today - daysAgo * day + slot.hour * 3_600_000 + Math.floor(random() * 50) * 60_000);
        const followers = demo.followersFrom + ((demo.followersTo - demo.followersFrom) * n) / DEMO_SOCIAL.days;
        const weekend = [0, 6].includes(publishedAt.getUTCDay()) ? 0.85 : 1;
        // Log-normal noise: most posts near the account's usual, now and then one that travels.
        const luck = Math.exp(0.35 * Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random()));
        const reach = Math.round(followers * 0.32 * season(publishedAt) * weekend * luck);
        const rate = 0.045 * slot.effect * Math.sqrt(season(publishedAt)) * (0.75 + 0.5 * random());
        const interactions = Math.round(reach * rate);
        const counts = {
          likes: Math.round(interactions * 0.8),
          comments: Math.round(interactions * 0.06),
          saves: Math.round(interactions * 0.09),
          shares: Math.round(interactions * 0.05),
          reach,
        };
        const externalId = `18${(index + 1).toString().padStart(2, "0")}${String(today / day - daysAgo).padStart(11, "0")}`;
        return {
          id: randomUUID(),
          accountId: id,
          externalId,
          caption: `${THEMES[n % THEMES.length]} #${n + 1} · #clat #lawentrance`,
          permalink: `https://www.instagram.com/p/${Buffer.from(externalId).toString("base64url")}/`,
          publishedAt,
          ...counts,
          impressions: Math.round(reach * (1.15 + 0.45 * random())),
          engagementRate: engagementRate(counts),
          createdAt: publishedAt,
          updatedAt: now,
        };
      });
      await em.flush();
      await em.insertMany(SocialPost, rows);
      await rebuildDailyEngagement(
        em,
        id,
        rows.map((row) => row.publishedAt.toISOString().slice(0, 10)),
      );
      posts += rows.length;
      for (let k = 0; k < DEMO_SOCIAL.scheduledPerAccount; k++) {
        const scheduledFor = new Date(today + (2 + k * 3 + index) * day + 13 * 3_600_000);
        em.create(ScheduledPost, {
          accountId: id,
          ownerId: marketerId,
          caption: ["Enrolments are open: the complete CLAT 2027 course", "Free mock test this Sunday", "How to review a mock in 30 minutes"][k % 3],
          hashtags: ["clat", "clat2027", "lawschool"],
          promotesCourseId: k === 0 ? courseId : null,
          scheduledFor,
          nextAttemptAt: scheduledFor,
          createdAt: now,
          updatedAt: now,
        });
      }
    }
    await em.flush();
    const handles = DEMO_SOCIAL.accounts.map((account) => `@${account.handle}`).join(" and ");
    log(
      `Instagram accounts ${handles} of the demo marketer, with ${posts} posts and their metrics over a year, and ${DEMO_SOCIAL.accounts.length * DEMO_SOCIAL.scheduledPerAccount} scheduled posts.`,
    );
    return { accountIds };
  },
};

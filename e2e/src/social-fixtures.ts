import crypto from "node:crypto";
import { publishedCourse, registerWithRole, uploadReady } from "./content-fixtures";
import type { GraphQLClient, Stack } from "./stack";

/** An Instagram handle no other test uses (letters, digits and _, at most 30). */
export function uniqueHandle(label = "acct"): string {
  return `${label}_${crypto.randomBytes(6).toString("hex")}`;
}

/**
 * The token the stack's Instagram stand-in (open mode) takes as account `handle`. Long enough for
 * ConnectSocialAccountInput's 16 characters whatever the handle.
 */
export const devToken = (handle: string) => `dev-${handle}`;

/** Connects `handle` (a new one by default) through the contract's ConnectSocialAccount. */
export async function connectAccount(client: GraphQLClient, handle = uniqueHandle()) {
  const connected = await client.op("ConnectSocialAccount", { input: { platform: "INSTAGRAM", handle, accessToken: devToken(handle) } });
  if (connected.errors) throw new Error(`connectSocialAccount: ${JSON.stringify(connected.errors)}`);
  return connected.data.connectSocialAccount as { id: string; handle: string; status: string; owner: { id: string } };
}

/** A READY SOCIAL_MEDIA upload of the client's own (a post's media). */
export function socialMedia(client: GraphQLClient, contentType = "image/png") {
  return uploadReady(client, "SOCIAL_MEDIA", contentType, Buffer.from(`social media ${crypto.randomUUID()}`));
}

/** A marketer with a connected Instagram account and a READY upload to post. */
export async function marketerWithAccount(stack: Stack, displayName = "Marketer") {
  const marketer = await registerWithRole(stack, "MARKETER", displayName);
  const account = await connectAccount(marketer.client);
  const media = await socialMedia(marketer.client);
  return { ...marketer, account, media };
}

/** A published course by a new instructor: what a post promotes. */
export async function courseToPromote(stack: Stack, title = "Constitutional law in 30 days") {
  const instructor = await registerWithRole(stack, "INSTRUCTOR", "Course author");
  return publishedCourse(instructor.client, title);
}

/** Some time from now, as schedulePost takes it. */
export const fromNow = (ms: number) => new Date(Date.now() + ms).toISOString();

export const HOUR = 3_600_000;

/** One post's metrics as PostMetricsInput; counts default to a modest post of `externalId`. */
export function postMetrics(
  externalId: string,
  overrides: Partial<Record<"likes" | "comments" | "saves" | "shares" | "reach" | "impressions", number>> & { publishedAt?: string; caption?: string } = {},
) {
  return {
    externalId,
    caption: overrides.caption ?? `Post ${externalId}`,
    permalink: `https://www.instagram.com/p/${externalId}/`,
    publishedAt: overrides.publishedAt ?? new Date(Date.now() - HOUR).toISOString(),
    likes: 10,
    comments: 2,
    saves: 1,
    shares: 1,
    reach: 200,
    impressions: 300,
    ...Object.fromEntries(Object.entries(overrides).filter(([key]) => key !== "publishedAt" && key !== "caption")),
  };
}

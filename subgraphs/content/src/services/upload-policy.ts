import type { RoleName } from "@solo/kit";
import type { UploadPurpose } from "../entities";

const MB = 1_000_000;
const IMAGES = ["image/png", "image/jpeg", "image/webp"];

export interface UploadPolicy {
  contentTypes: string[];
  maxBytes: number;
  /** Who may upload for this purpose; anyone signed in when omitted. */
  roles?: RoleName[];
  /** The API-key scope an upload for this purpose needs. */
  scope: string;
  /** Shown to anyone once READY (profile pictures, course covers): may be served from S3_PUBLIC_BASE_URL. */
  public?: boolean;
}

/**
 * What each purpose accepts. Sizes are decimal (a GraphQL Int holds up to 2^31 − 1 bytes, so the
 * lesson-media cap is 2 GB, not 2 GiB).
 */
export const UPLOAD_POLICIES: Record<UploadPurpose, UploadPolicy> = {
  AVATAR: { contentTypes: IMAGES, maxBytes: 5 * MB, scope: "users:write", public: true },
  COURSE_COVER: { contentTypes: IMAGES, maxBytes: 10 * MB, roles: ["INSTRUCTOR", "ADMIN"], scope: "content:write", public: true },
  LESSON_MEDIA: { contentTypes: ["video/mp4", "audio/mpeg", "application/pdf"], maxBytes: 2_000 * MB, roles: ["INSTRUCTOR", "ADMIN"], scope: "content:write" },
  MATERIAL: { contentTypes: ["application/pdf", ...IMAGES], maxBytes: 50 * MB, roles: ["INSTRUCTOR", "ADMIN"], scope: "content:write" },
  FLASHCARD_MEDIA: { contentTypes: [...IMAGES, "audio/mpeg"], maxBytes: 5 * MB, scope: "content:write" },
  SOCIAL_MEDIA: { contentTypes: ["image/jpeg", "image/png", "video/mp4"], maxBytes: 100 * MB, roles: ["MARKETER", "ADMIN"], scope: "social:write" },
  LEAD_IMPORT: { contentTypes: ["text/csv"], maxBytes: 50 * MB, roles: ["MARKETER", "ADMIN"], scope: "leads:write" },
};

export const UPLOAD_SCOPES = [...new Set(Object.values(UPLOAD_POLICIES).map((policy) => policy.scope))];

/** Content types compare without parameters and case: "Text/CSV; charset=utf-8" is text/csv. */
export function normalizeContentType(value: string | undefined): string {
  return (value ?? "").split(";")[0].trim().toLowerCase();
}

/**
 * Keys name the owner, the purpose and the asset; nothing the client chose (its filename) goes into
 * a path. The purpose segment lets a CDN in front of the bucket serve only public purposes. This is
 * where a checked upload lives, and what downloads read.
 */
export function storageKey(ownerId: string, purpose: UploadPurpose, assetId: string): string {
  return `users/${ownerId}/${purpose.toLowerCase()}/${assetId}`;
}

/**
 * Where the presigned PUT writes. Nothing serves this prefix: completeUpload checks the object here
 * and copies it to the storage key, so a PUT through a still-valid URL after that cannot change
 * what is served.
 */
export function stagingKey(asset: { ownerId: string; purpose: UploadPurpose; id: string }): string {
  return `uploads/${asset.ownerId}/${asset.purpose.toLowerCase()}/${asset.id}`;
}

/**
 * Images, audio and video play in the page; anything else is saved, never rendered, so a document
 * cannot run as a page of the store's origin. SVG is an image that can carry script.
 */
export function downloadDisposition(contentType: string): "inline" | "attachment" {
  const type = normalizeContentType(contentType);
  return /^(image|audio|video)\//.test(type) && type !== "image/svg+xml" ? "inline" : "attachment";
}

import { defineInternalRoute, uuidSchema } from "@solo/kit/internal-api";
import { z } from "zod";
import { CourseStatus, UploadPurpose } from "./entities/enum-values";

export { CourseStatus, UploadPurpose };

/*
 * The content subgraph's internal routes, as its callers import them (`@solo/content/internal-api`):
 * paths and schemas only, no server code.
 */

/** Users asks whether an upload may become an account's picture: a completed one of that owner and purpose. */
export const verifyAssetRoute = defineInternalRoute({
  path: "/internal/assets/verify",
  maxBodyBytes: 4_096,
  request: z.object({ assetId: uuidSchema, ownerId: uuidSchema, purpose: z.enum(UploadPurpose) }),
  response: z.object({ id: uuidSchema }),
  errors: { 404: "no such completed upload of that owner and purpose" },
});

/**
 * Social asks for a file to publish: a short-lived signed GET of a completed upload of that owner
 * and purpose (the platform fetches the file from it), with its type (image or video).
 */
export const assetDownloadRoute = defineInternalRoute({
  path: "/internal/assets/download",
  maxBodyBytes: 4_096,
  request: z.object({ assetId: uuidSchema, ownerId: uuidSchema, purpose: z.enum(UploadPurpose) }),
  response: z.object({ id: uuidSchema, url: z.string().url(), contentType: z.string() }),
  errors: { 404: "no such completed upload of that owner and purpose" },
});

/** The most ids of each kind one lookup takes. */
export const LOOKUP_MAX_IDS = 500;
const ids = z.array(uuidSchema).max(LOOKUP_MAX_IDS).optional();

/**
 * Courses, lessons, decks and cards as the caller the asking subgraph acts for may see them
 * (assessments checks what sessions and reviews refer to). What the caller could not see through
 * the graph is absent from the answer, as if it did not exist.
 */
export const contentLookupRoute = defineInternalRoute({
  path: "/internal/lookup",
  maxBodyBytes: 65_536,
  request: z.object({ courseIds: ids, lessonIds: ids, cardIds: ids, deckIds: ids }),
  response: z.object({
    courses: z.array(
      z.object({
        id: uuidSchema,
        title: z.string(),
        status: z.enum(CourseStatus),
        authorId: uuidSchema,
        editable: z.boolean(),
        lessonCount: z.number().int().min(0),
      }),
    ),
    lessons: z.array(z.object({ id: uuidSchema, courseId: uuidSchema, lessonCount: z.number().int().min(0) })),
    cards: z.array(z.object({ id: uuidSchema, deckId: uuidSchema })),
    decks: z.array(z.object({ id: uuidSchema, cardIds: z.array(uuidSchema) })),
  }),
  // Content reached through another subgraph is still content: an API key needs content:read.
  errors: { 403: 'this API key lacks the scope "content:read"' },
});

export type ContentLookupRequest = z.output<typeof contentLookupRoute.request>;
export type ContentLookup = z.output<typeof contentLookupRoute.response>;

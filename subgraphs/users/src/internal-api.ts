import { defineInternalRoute, roleSchema, uuidSchema } from "@solo/kit/internal-api";
import { z } from "zod";

/*
 * The users subgraph's internal routes, as its callers import them (`@solo/users/internal-api`):
 * paths and schemas only, no server code. The audit log's route is declared by the kit, which
 * owns the outbox that calls it (deliverAuditEventsRoute).
 */

/**
 * The longest key looked up: a key arrives in an HTTP header, and Node refuses headers past 16 KiB,
 * so no key a client can send is longer.
 */
export const API_KEY_MAX_LENGTH = 16_384;

/** The gateway checks a partner's API key once per request: who it is, with the scopes it holds now. */
export const verifyApiKeyRoute = defineInternalRoute({
  path: "/internal/api-keys/verify",
  maxBodyBytes: 1_048_576,
  request: z.object({ key: z.string().min(1).max(API_KEY_MAX_LENGTH) }),
  response: z.object({
    apiKeyId: uuidSchema,
    userId: uuidSchema,
    role: roleSchema,
    scopes: z.array(z.string()),
    trustedDocumentsOnly: z.boolean(),
    variant: z.string().nullable(),
  }),
  errors: { 404: "unknown or revoked key" },
});

/**
 * The gateway checks an access token's session once per request: an access token is only as good
 * as its login (logged out, revoked on reuse), and the answer carries the account's role as it is now.
 */
export const verifySessionRoute = defineInternalRoute({
  path: "/internal/sessions/verify",
  maxBodyBytes: 1_048_576,
  request: z.object({ sessionId: uuidSchema, userId: uuidSchema }),
  response: z.object({ userId: uuidSchema, role: roleSchema }),
  errors: { 404: "session ended" },
});

/**
 * Leads links a signup to the account with the signup's email, if one exists (emails compare
 * without case). Only the account's id comes back: the caller already holds the email.
 */
export const accountByEmailRoute = defineInternalRoute({
  path: "/internal/accounts/by-email",
  maxBodyBytes: 4_096,
  request: z.object({ email: z.string().min(3).max(254) }),
  response: z.object({ id: uuidSchema }),
  errors: { 404: "no account has that email" },
});

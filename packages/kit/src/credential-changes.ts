import { z } from "zod";
import { uuidSchema } from "./internal-api";

/**
 * What the users subgraph says when credentials stop meaning what they meant: sessions ended
 * (logout, refresh-token reuse, password reset), roles changed, API keys revoked. Gateways cache
 * the answers of their credential checks and drop those this names. Ids only, never secrets.
 */
export const credentialChangeSchema = z
  .object({
    /** Every session and key of these accounts (a role change, a password reset). */
    userIds: z.array(uuidSchema).max(1000).optional(),
    sessionIds: z.array(uuidSchema).max(1000).optional(),
    apiKeyIds: z.array(uuidSchema).max(1000).optional(),
  })
  .strict();

export type CredentialChange = z.infer<typeof credentialChangeSchema>;

/** The bus topic every gateway replica listens on. */
export const CREDENTIALS_CHANGED_TOPIC = "credentials.changed";

/**
 * The same change, on the response of the request that made it: the gateway that carried it drops
 * its cached checks before it answers, so the client's next request there never races the bus.
 */
export const CREDENTIALS_CHANGED_HEADER = "x-solo-credentials-changed";

/** The change a header or event carries, or undefined for anything else (a gateway never trusts more). */
export function parseCredentialChange(value: unknown): CredentialChange | undefined {
  let parsed = value;
  if (typeof value === "string") {
    try {
      parsed = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  const result = credentialChangeSchema.safeParse(parsed);
  return result.success ? result.data : undefined;
}

/** Every code the registry answers with (HTTP JSON `{ error: { code, message, details? } }`). */
export type RegistryErrorCode =
  | "BAD_REQUEST"
  | "INVALID_SDL"
  | "COMPOSITION_FAILED"
  | "UNKNOWN_SUBGRAPH"
  | "UNKNOWN_VERSION"
  | "UNKNOWN_VARIANT"
  | "INVALID_MANIFEST"
  | "MANIFEST_HASH_MISMATCH"
  | "PERSISTED_QUERY_NOT_FOUND"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "PAYLOAD_TOO_LARGE"
  | "SERVICE_UNAVAILABLE"
  | "INTERNAL_SERVER_ERROR"
  // Client side only: no answer (refused, timed out) or one that is not the registry's JSON.
  | "REGISTRY_UNREACHABLE"
  | "UNEXPECTED_RESPONSE"
  // Client side only: no API key, and no platform secrets to sign a service token with.
  | "NO_CREDENTIALS";

/** A coded refusal: thrown by the server's handlers (and sent as is), and by RegistryClient (as received). */
export class RegistryError extends Error {
  constructor(
    readonly status: number,
    readonly code: RegistryErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "RegistryError";
  }

  toJSON(): { error: { code: RegistryErrorCode; message: string; details?: Record<string, unknown> } } {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

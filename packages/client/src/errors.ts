/** One GraphQL error as the API sends it: `extensions.code` says what kind (UNAUTHENTICATED, FORBIDDEN, …). */
export interface ApiError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; reason?: string; [key: string]: unknown };
}

/** A request the API refused or failed: its errors, the HTTP status, and whatever data came back beside them. */
export class SoloRequestError extends Error {
  constructor(
    readonly errors: ApiError[],
    readonly status: number,
    readonly data?: unknown,
  ) {
    super(errors.map((error) => (error.extensions?.code ? `${error.extensions.code}: ${error.message}` : error.message)).join("; ") || `HTTP ${status}`);
    this.name = "SoloRequestError";
  }

  /** The first error's `extensions.code`. */
  get code(): string | undefined {
    return this.errors[0]?.extensions?.code;
  }

  /** Whether any error has this code. */
  has(code: string): boolean {
    return this.errors.some((error) => error.extensions?.code === code);
  }
}

/** An upload whose PUT to object storage failed (network, or the store's refusal). */
export class SoloUploadError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "SoloUploadError";
  }
}

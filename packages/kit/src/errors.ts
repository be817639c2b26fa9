import { GraphQLError } from "graphql";

/** The codes clients branch on (see clients/operations/users.graphql). */
export type ErrorCode =
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "BAD_USER_INPUT"
  | "NOT_FOUND"
  | "CONFLICT"
  | "RATE_LIMITED"
  | "BAD_REQUEST"
  | "PAYLOAD_TOO_LARGE"
  | "SERVICE_UNAVAILABLE"
  | "OPERATION_RESOLUTION_FAILURE"
  | "PERSISTED_QUERY_REQUIRED"
  | "INTERNAL_SERVER_ERROR";

const httpStatus: Partial<Record<ErrorCode, number>> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
  BAD_REQUEST: 400,
  PAYLOAD_TOO_LARGE: 413,
};

export function apiError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

/** For errors raised before execution (context, limits): they also set the HTTP status. */
export function requestError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}, headers?: Record<string, string>): GraphQLError {
  const status = httpStatus[code] ?? 400;
  return new GraphQLError(message, {
    extensions: { code, ...extra, http: { status, headers: new Map(Object.entries(headers ?? {})) } },
  });
}

/**
 * RATE_LIMITED, saying when to come back: the message ends "retry in N s" and `retryAfterSeconds`
 * is N (whole seconds, at least 1). From a resolver: one field's refusal, in an answer that may
 * hold other fields, so it does not touch the HTTP status (see `rateLimitedRequest`).
 */
export function rateLimited(reason: string, retryAfterMs: number, extra: Record<string, unknown> = {}): GraphQLError {
  const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return apiError("RATE_LIMITED", `${reason}: retry in ${retryAfterSeconds} s`, { retryAfterSeconds, ...extra });
}

/** The same refusal for a whole request, before execution: HTTP 429 with Retry-After. */
export function rateLimitedRequest(reason: string, retryAfterMs: number): GraphQLError {
  const { message, extensions } = rateLimited(reason, retryAfterMs);
  return requestError("RATE_LIMITED", message, extensions, { "retry-after": String(extensions.retryAfterSeconds) });
}

/** An error's extensions as its client sees them: `http` (status, headers) shapes an HTTP response only. */
export function clientExtensions(error: GraphQLError): Record<string, unknown> {
  const { http: _http, ...extensions } = error.extensions;
  return extensions;
}

export const unauthenticated = (message = "Authentication required") => apiError("UNAUTHENTICATED", message);
export const forbidden = (message = "You are not allowed to do this") => apiError("FORBIDDEN", message);
export const notFound = (what: string) => apiError("NOT_FOUND", `${what} not found`);
export const conflict = (message: string) => apiError("CONFLICT", message);
export const badInput = (message: string, field?: string) => apiError("BAD_USER_INPUT", message, field ? { field } : {});

const knownCodes = new Set<string>([
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "BAD_USER_INPUT",
  "NOT_FOUND",
  "CONFLICT",
  "RATE_LIMITED",
  "BAD_REQUEST",
  "PAYLOAD_TOO_LARGE",
  "SERVICE_UNAVAILABLE",
  "GRAPHQL_PARSE_FAILED",
  "BAD_USER_INPUT",
  "GRAPHQL_VALIDATION_FAILED",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "PERSISTED_QUERY_REQUIRED",
  "OPERATION_RESOLUTION_FAILURE",
]);

/** True for errors meant for the client; anything else is a bug whose details stay in the logs. */
export function isClientError(code: unknown): boolean {
  return typeof code === "string" && knownCodes.has(code);
}

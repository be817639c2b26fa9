import { RegistryError } from "./errors";

/*
 * Checks of what a request carries, each refusing with BAD_REQUEST and saying which field is wrong.
 * Handlers read their body only through these, so a malformed one never reaches a query.
 */

const NAME_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;
const MAX_SDL_BYTES = 2 * 1024 * 1024;
const MAX_TEXT = 1_000;
// C0 and C1 controls (tabs and newlines too): free text lands in logs, terminals and tables.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export function badRequest(message: string, details?: Record<string, unknown>): RegistryError {
  return new RegistryError(400, "BAD_REQUEST", message, details);
}

export function objectBody(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== "object" || Array.isArray(body)) throw badRequest("the body must be a JSON object");
  return body as Record<string, unknown>;
}

export function name(value: unknown, what: string): string {
  if (typeof value !== "string" || !NAME_PATTERN.test(value)) {
    throw badRequest(`${what} must be a lower-case name: a letter, then letters, digits or hyphens (at most 63)`);
  }
  return value;
}

export function httpUrl(value: unknown, what: string): string {
  if (typeof value !== "string" || value.length > 2_048) throw badRequest(`${what} must be an http(s) URL`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badRequest(`${what} must be an http(s) URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw badRequest(`${what} must be an http(s) URL`);
  // The URL parser drops tabs and newlines silently; what is stored must be what was meant.
  if (CONTROL.test(value)) throw badRequest(`${what} must not contain control characters`);
  // A subgraph URL is served to every gateway (in the supergraph): it must not carry credentials.
  if (url.username || url.password) throw badRequest(`${what} must not carry a user name or password`);
  return url.href;
}

export function sdlText(value: unknown): string {
  if (typeof value !== "string") throw badRequest("sdl must be a string");
  if (Buffer.byteLength(value, "utf8") > MAX_SDL_BYTES) throw badRequest(`sdl is larger than ${MAX_SDL_BYTES} bytes`);
  return value;
}

export function freeText(value: unknown, what: string, maxLength = MAX_TEXT): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw badRequest(`${what} must be a string`);
  if (value.length > maxLength) throw badRequest(`${what} is longer than ${maxLength} characters`);
  if (CONTROL.test(value)) throw badRequest(`${what} must not contain control characters`);
  return value;
}

export function requiredText(value: unknown, what: string, maxLength = MAX_TEXT): string {
  const text = freeText(value, what, maxLength);
  if (!text) throw badRequest(`${what} is required`);
  return text;
}

export function tagList(value: unknown, what: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length > 100) throw badRequest(`${what} must be a list of at most 100 tag names`);
  return [
    ...new Set(
      value.map((tag) => {
        if (typeof tag !== "string" || !tag || tag.length > 128 || CONTROL.test(tag))
          throw badRequest(`${what} holds a tag that is not a name: ${String(tag).slice(0, 80)}`);
        return tag;
      }),
    ),
  ].sort();
}

/** A positive whole number from a query string, or the fallback; at most `max`. */
export function positiveInt(value: unknown, what: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || !/^\d{1,9}$/.test(value) || Number(value) < 1 || Number(value) > max) {
    throw badRequest(`${what} must be a whole number from 1 to ${max}`);
  }
  return Number(value);
}

export const SHA256_HEX = /^[0-9a-f]{64}$/;

import { DriverException } from "@mikro-orm/core";
import { MiddlewareFn } from "type-graphql";
import { badInput } from "./errors";

function containsNul(value: unknown): boolean {
  if (typeof value === "string") return value.includes("\u0000");
  if (Array.isArray(value)) return value.some(containsNul);
  if (value && typeof value === "object") return Object.values(value).some(containsNul);
  return false;
}

// Postgres classes of "this value cannot be stored": invalid text representation, untranslatable
// character, value too long, numeric out of range, invalid datetime.
const INVALID_VALUE_STATES = new Set(["22P02", "22021", "22001", "22003", "22007", "22008"]);

/**
 * Runs around every resolver: arguments Postgres cannot store (NUL bytes in text) are refused
 * before any work, and a value the database rejects as malformed is the caller's error, not ours.
 */
export const guardInput: MiddlewareFn = async ({ args }, next) => {
  if (containsNul(args)) throw badInput("Text must not contain NUL characters");
  try {
    return await next();
  } catch (error) {
    const { sqlState, code } = error as { sqlState?: string; code?: string };
    const state = sqlState ?? code;
    if (error instanceof DriverException && typeof state === "string" && INVALID_VALUE_STATES.has(state)) {
      throw badInput("A value in the request is not valid for its field");
    }
    throw error;
  }
};

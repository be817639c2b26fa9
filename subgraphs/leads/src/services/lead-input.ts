import { badInput } from "@solo/kit";

/** A signal's name: what a CSV column `signal:<name>` and a scoring weight name. */
export const SIGNAL_NAME = /^[a-z][a-z0-9_]{0,62}$/;

/** Refuses a signal name or value outside the contract (names as above, values in [0, 1]). */
export function checkSignal(name: string, value: number, at = "signals"): void {
  if (!SIGNAL_NAME.test(name)) throw badInput(`${at}: "${name.slice(0, 64)}" is not a signal name (lower-case letters, digits and _, starting with a letter)`, "signals");
  if (!Number.isFinite(value) || value < 0 || value > 1) throw badInput(`${at}: the signal ${name} must be between 0 and 1`, "signals");
}

/** An https LinkedIn profile URL, or nothing. */
export function checkLinkedinUrl(value: string | null | undefined): void {
  if (!value) return;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badInput("linkedinUrl must be an https URL", "linkedinUrl");
  }
  if (url.protocol !== "https:" || value.length > 500) throw badInput("linkedinUrl must be an https URL of at most 500 characters", "linkedinUrl");
}

/** Emails compare without case: stored as given, trimmed; matched by lower(). */
export function normalizeEmail(email: string | null | undefined): string | null {
  const trimmed = email?.trim();
  return trimmed ? trimmed : null;
}

import { envList } from "@solo/kit";

/** Trimmed and lower-cased: uniqueness, login, throttles and mail all key on this form. */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/** ADMIN_EMAILS, normalised, as the environment says when asked. */
export const adminEmails = () => envList("ADMIN_EMAILS").map(normalizeEmail);

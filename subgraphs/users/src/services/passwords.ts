import argon2 from "argon2";

export const MIN_PASSWORD_LENGTH = 10;
/** argon2 cost grows with input; a cap keeps a huge password from being a cheap way to burn CPU. */
export const MAX_PASSWORD_LENGTH = 256;

const options = { type: argon2.argon2id } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, options);
}

// Verifying against this when the email is unknown makes that answer take as long as a wrong password.
const unknownAccountHash = argon2.hash("no account has this password", options);

export async function verifyPassword(hash: string | undefined, password: string): Promise<boolean> {
  if (!hash) {
    await argon2.verify(await unknownAccountHash, password).catch(() => false);
    return false;
  }
  return argon2.verify(hash, password).catch(() => false);
}

import argon2 from "argon2";

export const MIN_PASSWORD_LENGTH = 10;
/** argon2 cost grows with input; a cap keeps a huge password from being a cheap way to burn CPU. */
export const MAX_PASSWORD_LENGTH = 256;

/** argon2id's cost: memory in KiB, passes over it, lanes. */
export interface PasswordHashCost {
  memoryKib: number;
  iterations: number;
  parallelism: number;
}

/** node-argon2's own defaults, which the platform has always used: 64 MiB, 3 passes, 4 lanes. */
export const DEFAULT_PASSWORD_HASH_COST: PasswordHashCost = { memoryKib: 65_536, iterations: 3, parallelism: 4 };
/** The least OWASP's Password Storage Cheat Sheet accepts for argon2id (19 MiB, 2 passes, 1 lane). */
export const MIN_PASSWORD_HASH_COST: PasswordHashCost = { memoryKib: 19_456, iterations: 2, parallelism: 1 };

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** False for a wrong password, and for no account (`hash` undefined) after as much work. */
  verify(hash: string | undefined, password: string): Promise<boolean>;
}

/**
 * Hashes new passwords at `cost`. A stored hash names the cost it was made with, so hashes made at
 * another cost still verify.
 */
export function createPasswordHasher(cost: PasswordHashCost = DEFAULT_PASSWORD_HASH_COST): PasswordHasher {
  const options = { type: argon2.argon2id, memoryCost: cost.memoryKib, timeCost: cost.iterations, parallelism: cost.parallelism } as const;
  // Verifying against this when the email is unknown makes that answer take as long as a wrong password.
  let unknownAccountHash: Promise<string> | undefined;
  return {
    hash: (password) => argon2.hash(password, options),
    async verify(hash, password) {
      if (!hash) {
        unknownAccountHash ??= argon2.hash("no account has this password", options);
        await argon2.verify(await unknownAccountHash, password).catch(() => false);
        return false;
      }
      return argon2.verify(hash, password).catch(() => false);
    },
  };
}

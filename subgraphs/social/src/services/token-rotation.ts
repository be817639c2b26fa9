import type { EntityManager } from "@mikro-orm/postgresql";
import type { TokenCipher } from "./token-cipher";

/**
 * Key rotation's second step: re-seals under the current key every stored token sealed under an
 * older one, so the older key can then be dropped from SOCIAL_TOKEN_KEYS. Batches of `batchSize`
 * in a transaction each, rows claimed with FOR UPDATE SKIP LOCKED (replicas running it at once
 * split the rows; a connect holding a row leaves it to the next run) and walked by id, so a row
 * it cannot open is passed once, not met again in every batch. Returns how many it re-sealed; when
 * some could not be opened (their key already dropped) it re-seals the rest and then throws, to be
 * logged: those accounts must be connected again.
 */
export async function resealStaleTokens(em: EntityManager, tokens: TokenCipher, batchSize = 100): Promise<number> {
  // starts_with rather than `like 'v1:<id>:%'`: a key id may hold `_`, which LIKE reads as any character.
  const current = `v1:${tokens.currentKeyId}:`;
  let resealed = 0;
  let unopened = 0;
  let after = "00000000-0000-0000-0000-000000000000";
  for (;;) {
    const batch = await em.transactional(async (tx) => {
      const rows = await tx.execute<{ id: string; token_sealed: string }[]>(
        `select id, token_sealed from social.accounts
          where token_sealed <> '' and not starts_with(token_sealed, ?) and id > ?
          order by id limit ? for update skip locked`,
        [current, after, batchSize],
      );
      let sealed = 0;
      for (const row of rows) {
        const token = openOrUndefined(tokens, row.token_sealed, row.id);
        if (token === undefined) continue;
        await tx.execute(`update social.accounts set token_sealed = ? where id = ?`, [tokens.seal(token, row.id), row.id]);
        sealed++;
      }
      return { lastId: rows.at(-1)?.id, claimed: rows.length, sealed };
    });
    resealed += batch.sealed;
    unopened += batch.claimed - batch.sealed;
    if (batch.claimed < batchSize || !batch.lastId) break;
    after = batch.lastId;
  }
  if (unopened) {
    throw new Error(`${unopened} platform tokens could not be opened with SOCIAL_TOKEN_KEYS (${resealed} re-sealed): their accounts must be connected again`);
  }
  return resealed;
}

function openOrUndefined(tokens: TokenCipher, sealed: string, accountId: string): string | undefined {
  try {
    return tokens.open(sealed, accountId);
  } catch {
    return undefined;
  }
}

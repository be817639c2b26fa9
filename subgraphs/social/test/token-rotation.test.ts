import "reflect-metadata";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { RunningSubgraph } from "@solo/kit";
import { IDENTITY_HEADER, runSubgraph, signIdentity } from "@solo/kit";
import { createTestDatabase } from "@solo/kit/dist/src/testing";
import type { InstagramStandIn } from "@solo/tools/dist/src/instagram-stand-in";
import { startInstagramStandIn } from "@solo/tools/dist/src/instagram-stand-in";
import type { SocialServices } from "../src/services";
import { TokenCipher } from "../src/services/token-cipher";
import { resealStaleTokens } from "../src/services/token-rotation";
import subgraph from "../src/subgraph";

/*
 * Rotating SOCIAL_TOKEN_KEYS: accounts connected under key "old"; the subgraph restarted with
 * "new,old" re-seals their tokens under "new" (its reseal-platform-tokens job), after which "old"
 * can be dropped.
 */
describe("platform token key rotation", () => {
  const key = () => crypto.randomBytes(32).toString("base64");
  const [OLD, NEW, NEWER] = [`old:${key()}`, `new:${key()}`, `new_2:${key()}`];
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let standIn: InstagramStandIn;
  let service: RunningSubgraph<SocialServices> | undefined;
  const accounts: { id: string; token: string }[] = [];

  const start = (ring: string) => runSubgraph(subgraph, { databaseUrl: database.url, env: { INSTAGRAM_GRAPH_URL: standIn.url, SOCIAL_TOKEN_KEYS: ring } });
  const sql = (query: string, params: unknown[] = []) => service!.orm.em.getConnection().execute<{ id: string; token_sealed: string }[]>(query, params);
  const sealedTokens = () => sql("select id, token_sealed from social.accounts where token_sealed <> '' order by id");

  before(async () => {
    [database, standIn] = await Promise.all([createTestDatabase("social_rotation"), startInstagramStandIn()]);
    service = await start(OLD);
    const marketer = { kind: "user", userId: crypto.randomUUID(), role: "MARKETER", sessionId: crypto.randomUUID() } as const;
    for (let n = 1; n <= 5; n++) {
      const account = { username: `rotating.${n}`, userId: `178414000000${n}`, token: `IGAA-rotating-token-${n}-${crypto.randomUUID()}` };
      standIn.addAccount(account);
      const response = await fetch(service.url, {
        method: "POST",
        headers: { "content-type": "application/json", [IDENTITY_HEADER]: await signIdentity(marketer) },
        body: JSON.stringify({
          query: "mutation ($input: ConnectSocialAccountInput!) { connectSocialAccount(input: $input) { id } }",
          variables: { input: { platform: "INSTAGRAM", handle: account.username, accessToken: account.token } },
        }),
      });
      const answer = (await response.json()) as { data?: { connectSocialAccount: { id: string } }; errors?: unknown };
      assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
      accounts.push({ id: answer.data!.connectSocialAccount.id, token: account.token });
    }
    // A disconnected account: its token erased, nothing to re-seal.
    await sql("update social.accounts set token_sealed = '', status = 'DISCONNECTED' where id = ?", [accounts[4].id]);
    accounts.pop();
  });
  after(async () => {
    await service?.close();
    await standIn.close();
    await database.drop();
  });

  it("re-seals every token under the new key once the ring puts it first, and they open to the same tokens", async () => {
    const before = await sealedTokens();
    assert.equal(before.length, 4);
    for (const row of before) assert.match(row.token_sealed, /^v1:old:/);
    await service!.close();

    service = await start(`${NEW},${OLD}`);
    await service.runJobNow("reseal-platform-tokens"); // it also ran at start: this joins or repeats that run
    const after = await sealedTokens();
    assert.equal(after.length, 4);
    const tokens = new TokenCipher(NEW); // the old key is no longer needed
    for (const row of after) {
      assert.match(row.token_sealed, /^v1:new:/);
      assert.equal(tokens.open(row.token_sealed, row.id), accounts.find((account) => account.id === row.id)!.token);
    }
    // Nothing is left for a second run.
    assert.equal(await resealStaleTokens(service.orm.em.fork(), service.services.tokens), 0);
    assert.deepEqual(await sealedTokens(), after);
  });

  it("works in batches, tells a key id with `_` from its look-alikes, and re-seals the rest when some cannot be opened", async () => {
    // Sealed under "newx2", which `like 'v1:new_2:%'` would take for the current key "new_2".
    const LOOK_ALIKE = `newx2:${key()}`;
    const [first, second, third, fourth] = accounts;
    await sql("update social.accounts set token_sealed = ? where id = ?", [new TokenCipher(LOOK_ALIKE).seal(fourth.token, fourth.id), fourth.id]);
    const ring = new TokenCipher(`${NEWER},${NEW}`);
    await assert.rejects(resealStaleTokens(service!.orm.em.fork(), ring, 2), /^Error: 1 platform tokens could not be opened with SOCIAL_TOKEN_KEYS \(3 re-sealed\)/);
    const rows = new Map((await sealedTokens()).map((row) => [row.id, row.token_sealed]));
    for (const account of [first, second, third]) {
      assert.match(rows.get(account.id)!, /^v1:new_2:/);
      assert.equal(ring.open(rows.get(account.id)!, account.id), account.token);
    }
    assert.match(rows.get(fourth.id)!, /^v1:newx2:/); // left as it was: without its key, its account must be connected again

    // With its key in the ring it is re-sealed too, and only it.
    const withLookAlike = new TokenCipher(`${NEWER},${LOOK_ALIKE}`);
    assert.equal(await resealStaleTokens(service!.orm.em.fork(), withLookAlike, 2), 1);
    const resealed = (await sealedTokens()).find((row) => row.id === fourth.id)!.token_sealed;
    assert.equal(withLookAlike.open(resealed, fourth.id), fourth.token);
    assert.match(resealed, /^v1:new_2:/);
  });
});

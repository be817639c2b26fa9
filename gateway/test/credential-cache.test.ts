import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CredentialCache } from "../src/credential-cache";

const ALICE = "00000000-0000-4000-8000-00000000000a";
const BOB = "00000000-0000-4000-8000-00000000000b";
const SESSION_1 = "00000000-0000-4000-8000-000000000001";
const SESSION_2 = "00000000-0000-4000-8000-000000000002";
const KEY_1 = "00000000-0000-4000-8000-0000000000f1";

/** A cache on a clock the test moves, and a users stand-in that counts the calls it answers. */
function setUp(ttlMs = 60_000) {
  let now = 1_000_000;
  const cache = new CredentialCache({ ttlMs, maxEntries: 100, now: () => now });
  const calls: string[] = [];
  const session = (sessionId: string, userId: string, role: string | null = "STUDENT") =>
    cache.session(
      sessionId,
      userId,
      async () => {
        calls.push(sessionId);
        return role;
      },
      (answer) => (answer ? { userId, id: sessionId } : undefined),
    );
  const apiKey = (presented: string, owner: { userId: string; id: string } | null) =>
    cache.apiKey(
      presented,
      async () => {
        calls.push(presented);
        return owner;
      },
      (answer) => answer ?? undefined,
    );
  return { cache, calls, session, apiKey, tick: (ms: number) => (now += ms) };
}

/** A session check whose call to users has gone out and not come back: `answer` brings it back. */
function askedAndWaiting(cache: CredentialCache, sessionId: string, userId: string) {
  let answer!: (role: string) => void;
  const pending = cache.session(
    sessionId,
    userId,
    () => new Promise<string>((resolve) => (answer = resolve)),
    () => ({ userId, id: sessionId }),
  );
  return { pending, answer };
}

describe("the credential cache", () => {
  it("asks once, answers from memory until the time is up, then asks again", async () => {
    const { calls, session, tick } = setUp(60_000);
    assert.deepEqual(await session(SESSION_1, ALICE), { answer: "STUDENT", source: "users" });
    tick(59_999);
    assert.deepEqual(await session(SESSION_1, ALICE), { answer: "STUDENT", source: "cache" });
    tick(1);
    assert.deepEqual(await session(SESSION_1, ALICE), { answer: "STUDENT", source: "users" });
    assert.equal(calls.length, 2);
  });

  it("keeps a session apart per account: the same session id with another user id is asked about", async () => {
    const { calls, session } = setUp();
    await session(SESSION_1, ALICE);
    await session(SESSION_1, BOB, null);
    assert.equal(calls.length, 2);
  });

  it("never keeps a refusal", async () => {
    const { cache, calls, session, apiKey } = setUp();
    await session(SESSION_1, ALICE, null);
    await session(SESSION_1, ALICE, null);
    await apiKey("solo_nope", null);
    await apiKey("solo_nope", null);
    assert.equal(calls.length, 4);
    assert.equal(cache.size, 0);
  });

  it("drops what a change names (sessions, keys, every credential of an account) and nothing else", async () => {
    const { cache, calls, session, apiKey } = setUp();
    await session(SESSION_1, ALICE);
    await session(SESSION_2, BOB);
    await apiKey("solo_alice", { userId: ALICE, id: KEY_1 });
    assert.equal(cache.forget({ sessionIds: [SESSION_1] }), 1);
    assert.equal((await session(SESSION_2, BOB)).source, "cache");
    assert.equal((await apiKey("solo_alice", { userId: ALICE, id: KEY_1 })).source, "cache");
    assert.equal((await session(SESSION_1, ALICE)).source, "users");

    assert.equal(cache.forget({ apiKeyIds: [KEY_1] }), 1);
    assert.equal((await apiKey("solo_alice", { userId: ALICE, id: KEY_1 })).source, "users");

    // A role change names the account: its sessions and its keys go.
    assert.equal(cache.forget({ userIds: [ALICE] }), 2);
    assert.equal((await session(SESSION_2, BOB)).source, "cache");
    assert.equal(calls.length, 5);
  });

  it("uses, but does not keep, an answer that was on its way while a change arrived", async () => {
    const { cache } = setUp();
    const { pending, answer } = askedAndWaiting(cache, SESSION_1, ALICE);
    // users answered "live" before the logout committed; the logout's announcement arrives first.
    cache.forget({ sessionIds: [SESSION_1] });
    answer("STUDENT");
    assert.deepEqual(await pending, { answer: "STUDENT", source: "users" });
    assert.equal(cache.size, 0, "the next request asks users again, and hears the session has ended");
  });

  it("shares one call among checks of one credential at once", async () => {
    const { calls, apiKey } = setUp();
    const answers = await Promise.all(Array.from({ length: 5 }, () => apiKey("solo_shared", { userId: ALICE, id: KEY_1 })));
    assert.equal(calls.length, 1);
    assert.ok(answers.every((answer) => answer.answer?.id === KEY_1));
  });

  it("with no time to keep answers (0), asks every time", async () => {
    const { cache, calls, session } = setUp(0);
    await session(SESSION_1, ALICE);
    await session(SESSION_1, ALICE);
    assert.equal(calls.length, 2);
    assert.equal(cache.size, 0);
  });

  it("clear() forgets everything, and an answer on its way then is not kept", async () => {
    const { cache, session } = setUp();
    await session(SESSION_1, ALICE);
    const { pending, answer } = askedAndWaiting(cache, SESSION_2, BOB);
    cache.clear();
    answer("STUDENT");
    await pending;
    assert.equal(cache.size, 0);
  });
});

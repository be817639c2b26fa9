import assert from "node:assert/strict";
import crypto from "node:crypto";
import { describe, it } from "node:test";
import { TokenCipher } from "../src/services/token-cipher";

/** Platform tokens at rest: what the sealed text gives away (nothing), and what opens it (the key, on the same account). */
describe("TokenCipher", () => {
  const key = () => crypto.randomBytes(32).toString("base64");
  const OLD = `old:${key()}`;
  const NEW = `new:${key()}`;
  const TOKEN = "IGAAJ-secret/token+with=odd~characters";
  const ACCOUNT = crypto.randomUUID();

  /** The sealed text with one of its `:`-separated parts changed. */
  const withPart = (sealed: string, index: number, change: (part: string) => string) =>
    sealed
      .split(":")
      .map((part, i) => (i === index ? change(part) : part))
      .join(":");
  const flipFirstByte = (part: string) => {
    const bytes = Buffer.from(part, "base64url");
    bytes[0] ^= 1;
    return bytes.toString("base64url");
  };

  it("opens what it sealed, each time under a fresh IV", () => {
    const cipher = new TokenCipher(`${NEW},${OLD}`);
    const [first, second] = [cipher.seal(TOKEN, ACCOUNT), cipher.seal(TOKEN, ACCOUNT)];
    assert.notEqual(first, second);
    assert.equal(cipher.open(first, ACCOUNT), TOKEN);
    assert.equal(cipher.open(second, ACCOUNT), TOKEN);
    assert.match(first, /^v1:new:[\w-]{16}:[\w-]{22}:[\w-]+$/); // 12-byte IV, 16-byte tag, base64url
    assert.equal(new TokenCipher(NEW).open(first, ACCOUNT), TOKEN);
  });

  it("keeps the token out of the sealed text in every spelling", () => {
    const sealed = new TokenCipher(NEW).seal(TOKEN, ACCOUNT);
    const raw = Buffer.from(TOKEN);
    for (const spelling of [TOKEN, raw.toString("base64"), raw.toString("base64url"), raw.toString("hex"), encodeURIComponent(TOKEN)]) {
      assert.ok(!sealed.includes(spelling), `${spelling} in ${sealed}`);
    }
    // Nor a run of it long enough to matter.
    for (let start = 0; start + 8 <= TOKEN.length; start++) assert.ok(!sealed.includes(TOKEN.slice(start, start + 8)));
  });

  it("does not open a ciphertext moved onto another account", () => {
    const cipher = new TokenCipher(NEW);
    const sealed = cipher.seal(TOKEN, ACCOUNT);
    assert.throws(() => cipher.open(sealed, crypto.randomUUID()), /unable to authenticate/);
  });

  it("does not open a tampered IV, tag or ciphertext, nor a shortened tag", () => {
    const cipher = new TokenCipher(NEW);
    const sealed = cipher.seal(TOKEN, ACCOUNT);
    for (const part of [2, 3, 4]) assert.throws(() => cipher.open(withPart(sealed, part, flipFirstByte), ACCOUNT), /unable to authenticate/, `part ${part}`);
    const shortTag = withPart(sealed, 3, (tag) => Buffer.from(tag, "base64url").subarray(0, 4).toString("base64url"));
    assert.throws(() => cipher.open(shortTag, ACCOUNT));
    const shortCiphertext = withPart(sealed, 4, (text) => text.slice(0, -4));
    assert.throws(() => cipher.open(shortCiphertext, ACCOUNT), /unable to authenticate/);
  });

  it("opens tokens sealed under an older key of its ring, and says they are stale", () => {
    const before = new TokenCipher(OLD).seal(TOKEN, ACCOUNT);
    const ring = new TokenCipher(`${NEW},${OLD}`);
    assert.equal(ring.open(before, ACCOUNT), TOKEN);
    assert.equal(ring.isStale(before), true);
    assert.equal(ring.isStale(ring.seal(TOKEN, ACCOUNT)), false);
    assert.equal(ring.currentKeyId, "new");
    // Once the old key is dropped, what it sealed no longer opens: re-seal before dropping it.
    assert.throws(() => new TokenCipher(NEW).open(before, ACCOUNT), /sealed under key "old", which SOCIAL_TOKEN_KEYS does not hold/);
  });

  it("refuses a ring entry that is not <id>:<base64 of 32 bytes>", () => {
    const message = /^Error: SOCIAL_TOKEN_KEYS: each entry is <id>:<base64 of 32 random bytes> \(id: letters, digits, _ or -\), comma-separated$/;
    for (const ring of [
      "k1", // no key
      `k1:${crypto.randomBytes(16).toString("base64")}`, // 16 bytes
      `k1:${crypto.randomBytes(33).toString("base64")}`, // 33 bytes
      `:${key()}`, // no id
      `k 1:${key()}`, // a space in the id
      `${"k".repeat(33)}:${key()}`, // a 33-character id
      `k1:${key()}:extra`,
      `${NEW},`, // an empty entry
    ]) {
      assert.throws(
        () => new TokenCipher(ring),
        (error: unknown) => message.test(String(error)),
        ring,
      );
    }
    // An id twice: which key would "new" be?
    assert.throws(() => new TokenCipher(`${NEW},${OLD.replace("old:", "new:")}`), /^Error: SOCIAL_TOKEN_KEYS: the key id "new" appears twice$/);
    const cipher = new TokenCipher(` ${NEW} , ${OLD} `); // spaces around entries are fine
    assert.equal(cipher.currentKeyId, "new");
  });

  it("without a ring, seals under a development key that survives a restart", () => {
    const sealed = new TokenCipher("").seal(TOKEN, ACCOUNT);
    assert.match(sealed, /^v1:dev:/);
    assert.equal(new TokenCipher("").open(sealed, ACCOUNT), TOKEN);
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { accountSettingsFromEnv } from "../src/config";
import { DEFAULT_PASSWORD_HASH_COST, createPasswordHasher } from "../src/services/passwords";

describe("password hashing", () => {
  it("hashes with argon2id at the configured cost, and verifies hashes made at another", async () => {
    const cheap = createPasswordHasher({ memoryKib: 19_456, iterations: 2, parallelism: 1 });
    const hash = await cheap.hash("correct horse battery");
    assert.match(hash, /^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    const standard = createPasswordHasher();
    assert.match(await standard.hash("x".repeat(10)), /\$m=65536,p=4,t=3\$/);
    assert.equal(await standard.verify(hash, "correct horse battery"), true);
    assert.equal(await standard.verify(hash, "correct horse battery!"), false);
    assert.equal(await cheap.verify(undefined, "correct horse battery"), false);
  });

  it("defaults to 64 MiB, 3 passes, 4 lanes and refuses a cost below OWASP's minimum", () => {
    assert.deepEqual(accountSettingsFromEnv({}).passwordHashCost, DEFAULT_PASSWORD_HASH_COST);
    const env = { PASSWORD_HASH_MEMORY_KIB: "19456", PASSWORD_HASH_ITERATIONS: "2", PASSWORD_HASH_PARALLELISM: "1" };
    assert.deepEqual(accountSettingsFromEnv(env).passwordHashCost, { memoryKib: 19_456, iterations: 2, parallelism: 1 });
    for (const weaker of [{ PASSWORD_HASH_MEMORY_KIB: "4096" }, { PASSWORD_HASH_ITERATIONS: "1" }, { PASSWORD_HASH_PARALLELISM: "0" }]) {
      assert.throws(() => accountSettingsFromEnv({ ...env, ...weaker }), /OWASP's minimum/);
    }
  });
});

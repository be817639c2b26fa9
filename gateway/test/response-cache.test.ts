import assert from "node:assert/strict";
import crypto from "node:crypto";
import { after, before, describe, it } from "node:test";
import { createLogger } from "@solo/kit";
import Redis from "ioredis";
import { ResponseCache } from "../src/response-cache/response-cache";
import type { CachedAnswer, ResponseStore } from "../src/response-cache/store";
import { MemoryResponseStore, RedisResponseStore } from "../src/response-cache/store";

const answer = (title: string): CachedAnswer => ({ data: { course: { title } }, maxAge: 60, scope: "PUBLIC", storedAt: Date.now() });
const logger = createLogger("test");

/** What every store must do, memory or Redis alike. */
function storeContract(name: string, open: () => Promise<ResponseStore>) {
  describe(`${name} store`, () => {
    let store: ResponseStore;
    before(async () => {
      store = await open();
    });

    it("evicts exactly the answers that read a changed tag", async () => {
      await store.set("page-a", answer("A"), 60_000, ["Course:a", "User:1"]);
      await store.set("page-b", answer("B"), 60_000, ["Course:b", "User:1"]);
      await store.set("catalog", answer("all"), 60_000, ["Course:*"]);
      await store.evict(["Course:a"]);
      assert.equal(await store.get("page-a"), undefined);
      assert.deepEqual((await store.get("page-b"))?.data, answer("B").data);
      await store.evict(["User:1", "Course:*"]);
      assert.equal(await store.get("page-b"), undefined);
      assert.equal(await store.get("catalog"), undefined);
    });

    it("forgets an answer after its time, and everything on clear", async () => {
      await store.set("brief", answer("brief"), 30, ["Course:brief"]);
      await store.set("long", answer("long"), 60_000, ["Course:long"]);
      await new Promise((resolve) => setTimeout(resolve, 60));
      assert.equal(await store.get("brief"), undefined);
      assert.ok(await store.get("long"));
      await store.clear();
      assert.equal(await store.get("long"), undefined);
    });

    it("keeps an answer stored again under its new tags only", async () => {
      await store.set("page", answer("old"), 60_000, ["Course:old"]);
      await store.set("page", answer("new"), 60_000, ["Course:new"]);
      await store.evict(["Course:old"]);
      // Redis keeps the old tag's set until it expires; what it names is the answer now under the new tag.
      if (store instanceof MemoryResponseStore) assert.deepEqual((await store.get("page"))?.data, answer("new").data);
      await store.evict(["Course:new"]);
      assert.equal(await store.get("page"), undefined);
    });
  });
}

storeContract("memory", async () => new MemoryResponseStore(100));

describe("redis", { skip: !process.env.REDIS_URL && "REDIS_URL is not set" }, () => {
  const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { lazyConnect: true });
  const run = crypto.randomUUID();
  const prefix = `test:rc:${run}:mine:`;
  after(async () => {
    await new RedisResponseStore(redis, `test:rc:${run}:`, 60_000).clear();
    await redis.quit();
  });
  storeContract("redis", async () => new RedisResponseStore(redis, prefix, 60_000));

  it("clears only its own prefix", async () => {
    const mine = new RedisResponseStore(redis, prefix, 60_000);
    const theirs = new RedisResponseStore(redis, `test:rc:${run}:theirs:`, 60_000);
    await mine.set("page", answer("mine"), 60_000, ["Course:x"]);
    await theirs.set("page", answer("theirs"), 60_000, ["Course:x"]);
    await mine.clear();
    assert.equal(await mine.get("page"), undefined);
    assert.deepEqual((await theirs.get("page"))?.data, answer("theirs").data);
    await theirs.evict(["Course:x"]);
    assert.equal(await theirs.get("page"), undefined);
  });
});

describe("memory store bounds", () => {
  it("drops the oldest answer when full, and its tags with it", async () => {
    const store = new MemoryResponseStore(2);
    await store.set("one", answer("1"), 60_000, ["Course:1"]);
    await store.set("two", answer("2"), 60_000, ["Course:2"]);
    await store.set("three", answer("3"), 60_000, ["Course:3"]);
    assert.equal(store.size, 2);
    assert.equal(await store.get("one"), undefined);
    await store.evict(["Course:1"]);
    assert.equal(store.size, 2, "evicting a dropped answer's tag touches nothing else");
  });
});

describe("answers computed while a change arrived", () => {
  it("are not kept when the change touched what they read, and are when it did not", async () => {
    const store = new MemoryResponseStore(100);
    const cache = new ResponseCache(store, logger);
    const since = cache.mark();
    await cache.evict(["Course:a"]);
    assert.equal(await cache.keep("page-a", answer("A"), new Set(["Course:a", "User:1"]), since), false);
    assert.equal(await store.get("page-a"), undefined);
    assert.equal(await cache.keep("page-b", answer("B"), new Set(["Course:b"]), since), true);
    assert.ok(await store.get("page-b"));
    // Started after the change: what it read is the changed state.
    assert.equal(await cache.keep("page-a", answer("A2"), new Set(["Course:a"]), cache.mark()), true);
  });

  it("are not kept after a clear (the bus came back: any change may have gone unheard)", async () => {
    const cache = new ResponseCache(new MemoryResponseStore(100), logger);
    const since = cache.mark();
    await cache.clear();
    assert.equal(await cache.keep("page", answer("A"), new Set(["Course:z"]), since), false);
  });

  it("are not kept when more changes arrived than are remembered", async () => {
    const cache = new ResponseCache(new MemoryResponseStore(100), logger);
    const since = cache.mark();
    for (let change = 0; change < 1_001; change++) await cache.evict([`Course:${change}`]);
    assert.equal(await cache.keep("page", answer("A"), new Set(["Course:elsewhere"]), since), false);
  });

  it("answer without the cache when the store fails", async () => {
    const failing: ResponseStore = {
      get: () => Promise.reject(new Error("down")),
      set: () => Promise.reject(new Error("down")),
      evict: () => Promise.reject(new Error("down")),
      clear: () => Promise.reject(new Error("down")),
    };
    const cache = new ResponseCache(failing, logger);
    assert.equal(await cache.lookup("page"), undefined);
    assert.equal(await cache.keep("page", answer("A"), new Set(["Course:a"]), cache.mark()), false);
    await cache.evict(["Course:a"]);
  });
});

import type Redis from "ioredis";
import { BoundedMap } from "@solo/kit";

/** A cached answer: its data, and the policy it was cached under (for the Cache-Control it is served with). */
export interface CachedAnswer {
  data: Record<string, unknown>;
  maxAge: number;
  scope: "PUBLIC" | "PRIVATE";
  /** When it was stored (ms since the epoch): its age is served with it. */
  storedAt: number;
}

/** Where cached answers live: this replica's memory, or Redis, shared by every replica. */
export interface ResponseStore {
  get(key: string): Promise<CachedAnswer | undefined>;
  /** Keeps `answer` for `ttlMs`, under every one of `tags`. */
  set(key: string, answer: CachedAnswer, ttlMs: number, tags: readonly string[]): Promise<void>;
  /** Drops every answer kept under one of `tags`. */
  evict(tags: readonly string[]): Promise<void>;
  clear(): Promise<void>;
}

interface MemoryEntry {
  answer: CachedAnswer;
  until: number;
  tags: readonly string[];
}

/** Entries that leave their tags' index as they go, whether evicted, expired or pushed out as the oldest. */
class TaggedEntries extends BoundedMap<string, MemoryEntry> {
  readonly byTag = new Map<string, Set<string>>();

  override set(key: string, entry: MemoryEntry): this {
    this.delete(key);
    super.set(key, entry);
    for (const tag of entry.tags) {
      let keys = this.byTag.get(tag);
      if (!keys) this.byTag.set(tag, (keys = new Set()));
      keys.add(key);
    }
    return this;
  }

  override delete(key: string): boolean {
    const entry = this.get(key);
    if (!entry) return false;
    for (const tag of entry.tags) {
      const keys = this.byTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.byTag.delete(tag);
    }
    return super.delete(key);
  }

  override clear(): void {
    this.byTag.clear();
    super.clear();
  }
}

export class MemoryResponseStore implements ResponseStore {
  private readonly entries: TaggedEntries;

  constructor(
    maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {
    this.entries = new TaggedEntries(maxEntries);
  }

  async get(key: string): Promise<CachedAnswer | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until > this.now()) return entry.answer;
    this.entries.delete(key);
    return undefined;
  }

  async set(key: string, answer: CachedAnswer, ttlMs: number, tags: readonly string[]): Promise<void> {
    this.entries.set(key, { answer, until: this.now() + ttlMs, tags });
  }

  async evict(tags: readonly string[]): Promise<void> {
    for (const tag of tags) for (const key of [...(this.entries.byTag.get(tag) ?? [])]) this.entries.delete(key);
  }

  async clear(): Promise<void> {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Drops every answer kept under the tags (KEYS): each tag's set names the answers' keys. */
const EVICT_SCRIPT = `
for _, tag in ipairs(KEYS) do
  local keys = redis.call('SMEMBERS', tag)
  for i = 1, #keys, 500 do
    redis.call('UNLINK', unpack(keys, i, math.min(i + 499, #keys)))
  end
  redis.call('UNLINK', tag)
end
return 0`;

/**
 * Answers in Redis, shared by the replicas that use the same prefix: `<prefix>a:<key>` holds an
 * answer with its TTL, `<prefix>t:<tag>` the keys of the answers that read the tag. A tag's set
 * outlives the answers in it by at most `maxTtlMs`; a key it names that has expired costs nothing.
 */
export class RedisResponseStore implements ResponseStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly maxTtlMs: number,
  ) {}

  async get(key: string): Promise<CachedAnswer | undefined> {
    const text = await this.redis.get(`${this.prefix}a:${key}`);
    return text ? (JSON.parse(text) as CachedAnswer) : undefined;
  }

  async set(key: string, answer: CachedAnswer, ttlMs: number, tags: readonly string[]): Promise<void> {
    const answerKey = `${this.prefix}a:${key}`;
    const batch = this.redis.multi().set(answerKey, JSON.stringify(answer), "PX", ttlMs);
    for (const tag of tags) batch.sadd(`${this.prefix}t:${tag}`, answerKey).pexpire(`${this.prefix}t:${tag}`, this.maxTtlMs);
    await batch.exec();
  }

  async evict(tags: readonly string[]): Promise<void> {
    if (tags.length) await this.redis.eval(EVICT_SCRIPT, tags.length, ...tags.map((tag) => `${this.prefix}t:${tag}`));
  }

  async clear(): Promise<void> {
    let cursor = "0";
    do {
      const [next, keys] = await this.redis.scan(cursor, "MATCH", `${this.prefix}*`, "COUNT", 1000);
      if (keys.length) await this.redis.unlink(...keys);
      cursor = next;
    } while (cursor !== "0");
  }
}

import crypto from "node:crypto";
import type { CredentialChange, EventBus, Logger } from "@solo/kit";
import { BoundedMap, CREDENTIALS_CHANGED_TOPIC, parseCredentialChange } from "@solo/kit";

/** How many sessions and keys a gateway remembers answers for, each (oldest out first). */
const CACHED_CREDENTIALS = 50_000;

/**
 * The gateway's credential cache, listening on the bus for the changes users announces. Without a
 * bus a replica could not hear of a change another replica carried: nothing is cached.
 */
export async function openCredentialCache(ttlMs: number, bus: EventBus | undefined, logger: Logger): Promise<CredentialCache> {
  if (!bus) {
    if (ttlMs > 0) logger.warn("no event bus (REDIS_URL or DATABASE_URL): credential checks are not cached");
    return new CredentialCache({ ttlMs: 0, maxEntries: 0 });
  }
  const cache = new CredentialCache({ ttlMs, maxEntries: CACHED_CREDENTIALS });
  await bus.subscribe(CREDENTIALS_CHANGED_TOPIC, (payload) => {
    const change = parseCredentialChange(payload);
    if (change) cache.forget(change);
    else logger.warn({ payload }, "ignored a credentials change of an unknown shape");
  });
  // A change announced while the bus was away went unheard: start over.
  bus.onReconnect(() => cache.clear());
  return cache;
}

/** Whose credential an answer is about, so that a change to the account or to it drops the answer. */
interface Owner {
  userId: string;
  /** The session's or the key's id. */
  id: string;
}

interface Entry<Answer> extends Owner {
  answer: Answer;
  until: number;
}

export interface CredentialCacheOptions {
  /** How long an answer is used before users is asked again: the safety net under a lost event. 0: never cached. */
  ttlMs: number;
  maxEntries: number;
  now?: () => number;
}

export type CheckSource = "cache" | "users";

/**
 * The users subgraph's answers to "is this session live, with which role?" and "whose is this key,
 * with which scopes?", kept for `ttlMs`. A change users announces (a logout, a role change, a revoked
 * key; on the bus, or on the response of the request that made it) drops the answers it touches at
 * once. Refusals are never kept: a key or session that fails is asked about again (and the failed
 * attempts are rate limited).
 *
 * An answer that was being fetched while a change arrived is used for its request but not kept:
 * users may have answered before the change committed, and keeping it would outlive the change.
 */
export class CredentialCache {
  private readonly sessions: BoundedMap<string, Entry<unknown>>;
  private readonly apiKeys: BoundedMap<string, Entry<unknown>>;
  /** Concurrent checks of one credential share one call to users. */
  private readonly inFlight = new Map<string, Promise<unknown>>();
  /** Bumped by every change: an answer asked for before a bump is not kept. */
  private changes = 0;
  private readonly now: () => number;

  constructor(private readonly options: CredentialCacheOptions) {
    this.sessions = new BoundedMap(options.maxEntries);
    this.apiKeys = new BoundedMap(options.maxEntries);
    this.now = options.now ?? Date.now;
  }

  /** A session's answer: from the cache, or `ask`'s (kept when it names an owner). */
  session<Answer>(sessionId: string, userId: string, ask: () => Promise<Answer>, ownerOf: (answer: Answer) => Owner | undefined) {
    return this.remember(this.sessions, `${sessionId}/${userId}`, ask, ownerOf);
  }

  /** A key is cached by its digest, so the cache holds no usable secret. */
  apiKey<Answer>(presented: string, ask: () => Promise<Answer>, ownerOf: (answer: Answer) => Owner | undefined) {
    const digest = crypto.createHash("sha256").update(presented).digest("base64url");
    return this.remember(this.apiKeys, digest, ask, ownerOf);
  }

  /** Drops every answer the change touches; returns how many. */
  forget(change: CredentialChange): number {
    this.changes += 1;
    const users = new Set(change.userIds);
    const ids = new Set([...(change.sessionIds ?? []), ...(change.apiKeyIds ?? [])]);
    let dropped = 0;
    for (const map of [this.sessions, this.apiKeys]) {
      for (const [key, entry] of map) {
        if (users.has(entry.userId) || ids.has(entry.id)) {
          map.delete(key);
          dropped += 1;
        }
      }
    }
    return dropped;
  }

  /** Everything: the bus was away, and a change may have gone unheard. */
  clear(): void {
    this.changes += 1;
    this.sessions.clear();
    this.apiKeys.clear();
  }

  get size(): number {
    return this.sessions.size + this.apiKeys.size;
  }

  private async remember<Answer>(
    map: BoundedMap<string, Entry<unknown>>,
    key: string,
    ask: () => Promise<Answer>,
    ownerOf: (answer: Answer) => Owner | undefined,
  ): Promise<{ answer: Answer; source: CheckSource }> {
    if (this.options.ttlMs <= 0) return { answer: await ask(), source: "users" };
    const entry = map.get(key);
    if (entry && entry.until > this.now()) return { answer: entry.answer as Answer, source: "cache" };
    if (entry) map.delete(key);
    const flightKey = `${map === this.sessions ? "s" : "k"}:${key}`;
    const pending = this.inFlight.get(flightKey) as Promise<Answer> | undefined;
    if (pending) return { answer: await pending, source: "users" };
    const changesBefore = this.changes;
    const asked = ask();
    this.inFlight.set(flightKey, asked);
    try {
      const answer = await asked;
      const owner = ownerOf(answer);
      if (owner && this.changes === changesBefore) map.set(key, { ...owner, answer, until: this.now() + this.options.ttlMs });
      return { answer, source: "users" };
    } finally {
      this.inFlight.delete(flightKey);
    }
  }
}

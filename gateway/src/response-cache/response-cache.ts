import type { Logger } from "@solo/kit";
import type { CachedAnswer, ResponseStore } from "./store";

/** Changes remembered, to tell whether one touched an answer being computed while it arrived. */
const REMEMBERED_CHANGES = 1_000;

/**
 * The gateway's response cache: a store, and the changes heard since each request began. An answer
 * computed while a change to something it read arrived may hold the old data: it is not kept
 * (the change's eviction may already have run). A store that fails is logged and skipped, never
 * the request's failure.
 */
export class ResponseCache {
  private changes = 0;
  /** The latest changes, oldest first: each numbered, with its tags (undefined: everything). */
  private readonly recent: { change: number; tags?: ReadonlySet<string> }[] = [];

  constructor(
    private readonly store: ResponseStore,
    private readonly logger: Logger,
  ) {}

  /** Where a request starts, to ask `changedSince` about later. */
  mark(): number {
    return this.changes;
  }

  async lookup(key: string): Promise<CachedAnswer | undefined> {
    try {
      return await this.store.get(key);
    } catch (error) {
      this.logger.warn({ err: error }, "response cache unavailable: answering without it");
      return undefined;
    }
  }

  /** Keeps an answer unless a change to one of its tags arrived since `since`; says whether it did. */
  async keep(key: string, answer: CachedAnswer, tags: ReadonlySet<string>, since: number): Promise<boolean> {
    if (this.changedSince(since, tags)) return false;
    try {
      await this.store.set(key, answer, answer.maxAge * 1000, [...tags]);
      return true;
    } catch (error) {
      this.logger.warn({ err: error }, "could not keep an answer in the response cache");
      return false;
    }
  }

  async evict(tags: readonly string[]): Promise<void> {
    this.remember(new Set(tags));
    await this.store.evict(tags).catch((error) => this.logger.error({ err: error, tags }, "could not evict changed answers from the response cache"));
  }

  async clear(): Promise<void> {
    this.remember(undefined);
    await this.store.clear().catch((error) => this.logger.error({ err: error }, "could not clear the response cache"));
  }

  private remember(tags: ReadonlySet<string> | undefined): void {
    this.changes += 1;
    this.recent.push({ change: this.changes, tags });
    if (this.recent.length > REMEMBERED_CHANGES) this.recent.shift();
  }

  private changedSince(since: number, tags: ReadonlySet<string>): boolean {
    if (since === this.changes) return false;
    // Changes past what is remembered: any of them may have been one of these tags.
    if (!this.recent.length || this.recent[0].change > since + 1) return true;
    for (let index = this.recent.length - 1; index >= 0 && this.recent[index].change > since; index--) {
      const changed = this.recent[index].tags;
      if (!changed || [...changed].some((tag) => tags.has(tag))) return true;
    }
    return false;
  }
}

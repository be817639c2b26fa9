import type { Change, ChangelogEntry, LaunchSummary, Variant } from "./api-types";
import { schemaChanges } from "./changes";
import { sha256 } from "./composition";
import type { Launch } from "./store";
import { filterApiSchema } from "./variants";

/**
 * Diffs and filtered schemas, remembered: a launch never changes, so the changes between two API
 * texts (by hash) and a variant's schema at a launch are computed once per process.
 */
export class SchemaHistory {
  // Bounded by size as much as by count: one large graph's filtered SDL is megabytes.
  private readonly changes = new BoundedCache<Change[]>(2_000, 16 * MB, (changes) => JSON.stringify(changes).length * 2);
  private readonly filtered = new BoundedCache<{ hash: string; sdl: string }>(500, 64 * MB, (api) => api.sdl.length * 2);

  async changesBetween(from: { hash: string; sdl: string }, to: { hash: string; sdl: string }): Promise<Change[]> {
    if (from.hash === to.hash) return [];
    const key = `${from.hash}:${to.hash}`;
    const known = this.changes.get(key);
    if (known) return known;
    const changes = await schemaChanges(from.sdl, to.sdl);
    this.changes.set(key, changes);
    return changes;
  }

  /** The API schema a variant serves at a launch. */
  variantApi(launch: Launch, variant: Variant): { hash: string; sdl: string } {
    const key = `${launch.id}:${JSON.stringify([variant.include, variant.exclude])}`;
    let api = this.filtered.get(key);
    if (!api) {
      const sdl = filterApiSchema(launch.apiSdl, launch.supergraphSdl, variant);
      api = { hash: sha256(sdl), sdl };
      this.filtered.set(key, api);
    }
    return api;
  }

  /**
   * Newest first: each launch whose API differs from the one before it, with what changed.
   * `launches` are summaries, newest first; only the pairs `differs` (by hash) are loaded, a page at
   * a time, so a request holds a few launches' SDL however long the history.
   */
  async changelog(
    launches: LaunchSummary[],
    limit: number,
    load: (ids: string[]) => Promise<Launch[]>,
    apiOf: (launch: Launch) => { hash: string; sdl: string },
    differs: (older: LaunchSummary, newer: LaunchSummary) => boolean,
  ): Promise<ChangelogEntry[]> {
    const pairs = launches.slice(0, -1).flatMap((newer, index) => (differs(launches[index + 1], newer) ? [{ newer, older: launches[index + 1] }] : []));
    const entries: ChangelogEntry[] = [];
    for (let start = 0; start < pairs.length && entries.length < limit; start += CHANGELOG_PAGE) {
      const page = pairs.slice(start, start + CHANGELOG_PAGE);
      const loaded = new Map((await load([...new Set(page.flatMap((pair) => [pair.newer.id, pair.older.id]))])).map((launch) => [launch.id, launch]));
      for (const { newer, older } of page) {
        if (entries.length >= limit) break;
        const changes = await this.changesBetween(apiOf(loaded.get(older.id)!), apiOf(loaded.get(newer.id)!));
        if (changes.length) entries.push({ launchId: newer.id, createdAt: newer.createdAt, changes });
      }
    }
    return entries;
  }
}

/** Pairs of launches whose SDL a changelog loads at once. */
const CHANGELOG_PAGE = 10;

const MB = 1024 * 1024;

/** Forgets the oldest entries past `maxEntries` or `maxBytes` (as `sizeOf` estimates them: UTF-16 text). */
class BoundedCache<T> {
  private readonly entries = new Map<string, { value: T; bytes: number }>();
  private bytes = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
    private readonly sizeOf: (value: T) => number,
  ) {}

  get(key: string): T | undefined {
    return this.entries.get(key)?.value;
  }

  set(key: string, value: T): void {
    const bytes = this.sizeOf(value);
    if (bytes > this.maxBytes) return;
    this.delete(key);
    while (this.entries.size && (this.entries.size >= this.maxEntries || this.bytes + bytes > this.maxBytes)) this.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, bytes });
    this.bytes += bytes;
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.bytes -= entry.bytes;
    this.entries.delete(key);
  }
}

import { Directive } from "type-graphql";
import { z } from "zod";
import type { Logger } from "./logger";

/**
 * How long, and for whom, a field's value may be kept by the gateway's response cache and by CDNs:
 * Apollo's `@cacheControl` semantics. A response is cacheable only when every object field and root
 * field it selects has a maxAge (the smallest wins) and every subgraph fetch named what it read
 * (`ctx.reads`); PRIVATE anywhere makes the whole response its reader's alone.
 */
export type CacheScope = "PUBLIC" | "PRIVATE";

export interface CacheHintOptions {
  /** Seconds. Invalidation is by event (`ctx.changed`): this is the net under a lost one. */
  maxAge?: number;
  scope?: CacheScope;
  /** A field of a composite type that takes its parent's maxAge rather than the default 0. */
  inheritMaxAge?: boolean;
}

/** How long public reads are kept by default: long, since every change evicts them at once. */
export const DEFAULT_CACHE_MAX_AGE = 300;

/**
 * The directive's definitions (Apollo Server's), linked so that composition carries them into the
 * supergraph (`@composeDirective`), where gateways and partners read the hints.
 */
export const CACHE_CONTROL_LINK = `extend schema
  @link(url: "https://solo.dev/cache-control/v1.0", import: ["@cacheControl"])
  @composeDirective(name: "@cacheControl")

"""Who a cached answer may be served to"""
enum CacheControlScope {
  """Anyone who sends the same request (a CDN may share it between anonymous readers)"""
  PUBLIC
  """Only the reader it was computed for"""
  PRIVATE
}

directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION`;

/** `@cacheControl(…)` on a type or a field: `@CacheHint({ maxAge: 300 })`, `@CacheHint({ scope: "PRIVATE" })`. */
export function CacheHint(hint: CacheHintOptions): MethodDecorator & PropertyDecorator & ClassDecorator {
  const args = [
    hint.maxAge !== undefined ? `maxAge: ${Math.floor(hint.maxAge)}` : "",
    hint.scope ? `scope: ${hint.scope}` : "",
    hint.inheritMaxAge ? "inheritMaxAge: true" : "",
  ].filter(Boolean);
  return Directive(`@cacheControl(${args.join(", ")})`);
}

/**
 * What a subgraph's answer read, named by tags (`Course:<id>`, `Course:*` for the set of courses, a
 * live topic such as `leaderboardUpdated(testId=…)`), space-separated. The gateway keeps a cached
 * response under every tag its fetches named; a change announced under one of them evicts it.
 */
export const CACHE_TAGS_HEADER = "x-solo-cache-tags";

/** The tags of a change, on the response of the mutation that made it (the gateway that carried it evicts before it answers). */
export const DATA_CHANGED_HEADER = "x-solo-data-changed";

/** The bus topic every gateway replica hears changes on: `{ tags: [...] }`, after the change is committed. */
export const DATA_CHANGED_TOPIC = "data.changed";

/** More tags than this on one answer: it names too much to be evicted exactly, and is not cached. */
export const MAX_CACHE_TAGS = 200;

/** A tag is printable ASCII without spaces (the header's separator), at most 200 characters. */
const TAG = /^[\x21-\x7e]{1,200}$/;

export const dataChangeSchema = z.object({ tags: z.array(z.string().regex(TAG)).min(1).max(10_000) }).strict();

export type DataChange = z.infer<typeof dataChangeSchema>;

/** The tag of one entity (`Course:<id>`). */
export function entityTag(type: string, id: string): string {
  return `${type}:${id}`;
}

/** The tag of a whole collection (`Course:*`): lists and lookups that found nothing read it. */
export function collectionTag(type: string): string {
  return `${type}:*`;
}

export function isCacheTag(tag: string): boolean {
  return TAG.test(tag);
}

/**
 * The tags a change may be announced under. A malformed one is a bug, logged: every gateway would
 * refuse the whole change for it, so the change goes without it.
 */
export function wellFormedTags(tags: readonly string[], log: Pick<Logger, "error">): string[] {
  const valid = tags.filter(isCacheTag);
  if (valid.length < tags.length) log.error({ tags }, "a change named a malformed cache tag");
  return valid;
}

/** Tags as a header value, or undefined when there are too many to name (the answer is then not cached). */
export function formatCacheTags(tags: Iterable<string>): string | undefined {
  const list = [...new Set(tags)];
  return list.length > MAX_CACHE_TAGS ? undefined : list.join(" ");
}

/** The tags a header names ([] for an empty one); undefined when any is malformed. */
export function parseCacheTags(header: string): string[] | undefined {
  const tags = header.split(" ").filter(Boolean);
  return tags.every(isCacheTag) ? tags : undefined;
}

/** The change an event carries, or undefined for anything else. */
export function parseDataChange(value: unknown): DataChange | undefined {
  const result = dataChangeSchema.safeParse(value);
  return result.success ? result.data : undefined;
}

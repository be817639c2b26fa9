import type { EntityManager } from "@mikro-orm/postgresql";
import { ClassType, Directive, Field, Int, ObjectType } from "type-graphql";
import { Access } from "./access";
import { CacheHint } from "./cache-hints";
import { isUuid } from "./config";
import { badInput } from "./errors";
import { isStorableDate } from "./input-rules";
import type { Row, RowFilter, RowQuery } from "./rows";
import { columnOf, countRows, findRows } from "./rows";

@ObjectType({ description: "Relay page information" })
@Directive("@shareable")
@Access({ withParent: true })
@CacheHint({ inheritMaxAge: true })
export class PageInfo {
  @Field({ description: "Whether more items follow this page: fetch them with `after: endCursor`" })
  hasNextPage!: boolean;

  @Field(() => String, { description: "Cursor of the page's last item, to pass as `after` for the next page; null for an empty page", nullable: true })
  endCursor!: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Page<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  totalCount: number;
}

/**
 * `Connection(User)` declares UserConnection and UserEdge for a node type. The connection class
 * declares its rule (`@Access({ withParent: true })`, like the edge): type-level rules are not inherited.
 */
export function Connection<T extends object>(nodeType: ClassType<T>, name = nodeType.name) {
  @ObjectType(`${name}Edge`, { description: `One ${name} of a page, with its cursor` })
  @Access({ withParent: true })
  @CacheHint({ inheritMaxAge: true })
  class EdgeType {
    @Field({ description: "Opaque position of this item: pass it as `after` to get the items that follow it" })
    cursor!: string;

    @Field(() => nodeType, { description: `The ${name} at this position` })
    node!: T;
  }

  @ObjectType()
  @CacheHint({ inheritMaxAge: true })
  abstract class ConnectionType {
    @Field(() => [EdgeType], { description: "This page's items, in the list's order, each with its cursor" })
    edges!: Edge<T>[];

    @Field(() => PageInfo, { description: "Whether more items follow, and the cursor to fetch them with" })
    pageInfo!: PageInfo;

    @Field(() => Int, { description: "How many items the whole list has, over every page (with the same filters)" })
    totalCount!: number;
  }
  return ConnectionType;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

interface Keyed {
  id: string;
  createdAt: Date;
}

/** The page size `first` asks for (20 by default), or a BAD_USER_INPUT past the bounds. */
export function pageSize(first: number | null | undefined): number {
  const size = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) {
    throw badInput(`first must be between 0 and ${MAX_PAGE_SIZE}`, "first");
  }
  return size;
}

/** A page of `size` from the rows that follow the cursor, in order, fetched `size + 1` at most (one more says a next page exists). */
export function pageFrom<T extends Keyed>(rows: T[], size: number, totalCount: number): Page<T> {
  const edges = rows.slice(0, size).map((node) => new LazyEdge(node));
  const last = edges.at(-1);
  return {
    edges,
    totalCount,
    pageInfo: {
      hasNextPage: rows.length > size,
      get endCursor() {
        return last?.cursor ?? null;
      },
    },
  };
}

/** An edge whose cursor is written when a client asks for it: most pages are shown without them. */
class LazyEdge<T extends Keyed> implements Edge<T> {
  constructor(readonly node: T) {}

  get cursor(): string {
    return encodeCursor(this.node);
  }
}

/**
 * Keyset pagination over (createdAt, id): a cursor names the last row seen, so rows inserted
 * between two page requests neither repeat nor shift the next page. A page is shown, not changed:
 * its nodes are rows (see findRows).
 */
export async function paginate<T extends Keyed>(
  em: EntityManager,
  entity: ClassType<T>,
  where: RowFilter<T>,
  args: { first?: number | null; after?: string | null; direction?: "asc" | "desc" },
): Promise<Page<Row<T>>> {
  const first = pageSize(args.first);
  const direction = args.direction ?? "asc";
  let after: RowQuery<T>["and"];
  if (args.after) {
    const { createdAt, id } = decodeCursor(args.after);
    // Row comparison: past (createdAt, id) in the page's order, as the index on both reads it.
    after = { sql: `(${columnOf(em, entity, "createdAt")}, ${columnOf(em, entity, "id")}) ${direction === "asc" ? ">" : "<"} (?, ?)`, params: [createdAt, id] };
  }
  const [rows, totalCount] = await Promise.all([
    findRows(em, entity, where, {
      and: after,
      orderBy: [
        ["createdAt", direction],
        ["id", direction],
      ],
      limit: first + 1,
    }),
    countRows(em, entity, where),
  ]);
  return pageFrom(rows, first, totalCount);
}

function encodeCursor(row: Keyed): string {
  return Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.id])).toString("base64url");
}

/** Only what encodeCursor makes: an ISO date as toISOString prints it, of a year Postgres stores, and a UUID. */
export function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const [iso, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    if (typeof iso !== "string" || !isUuid(id)) throw new Error();
    const createdAt = new Date(iso);
    if (!isStorableDate(createdAt) || createdAt.toISOString() !== iso) throw new Error();
    return { createdAt, id };
  } catch {
    throw badInput("after is not a valid cursor", "after");
  }
}

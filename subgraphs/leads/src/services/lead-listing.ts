import type { EntityManager } from "@mikro-orm/postgresql";
import type { Page } from "@solo/kit";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, badInput, isStorableDate, isUuid, textProblem } from "@solo/kit";
import { Lead, LeadOrderField, OrderDirection } from "../entities";
import type { LeadStatus } from "../entities";

export interface LeadListing {
  filter?: { status?: LeadStatus | null; minScore?: number | null; search?: string | null; campaignId?: string | null } | null;
  orderBy?: { field: LeadOrderField; direction: OrderDirection } | null;
  first?: number | null;
  after?: string | null;
}

const COLUMN: Record<LeadOrderField, { column: string; read: (lead: Lead) => string | number }> = {
  [LeadOrderField.SCORE]: { column: "score", read: (lead) => lead.score },
  [LeadOrderField.CREATED_AT]: { column: "created_at", read: (lead) => lead.createdAt.toISOString() },
  [LeadOrderField.NAME]: { column: "name", read: (lead) => lead.name },
};

/** The owner's leads matching the filter, a page in the order asked (score, newest or name; id breaks ties). */
export async function listLeads(em: EntityManager, ownerId: string, listing: LeadListing): Promise<Page<Lead>> {
  const first = listing.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) throw badInput(`first must be between 0 and ${MAX_PAGE_SIZE}`, "first");
  const order = listing.orderBy ?? { field: LeadOrderField.CREATED_AT, direction: OrderDirection.DESC };
  const { column, read } = COLUMN[order.field];
  const direction = order.direction === OrderDirection.ASC ? "asc" : "desc";

  const { where, params } = filterConditions(ownerId, listing.filter);

  const paged = [...where];
  const pagedParams = [...params];
  if (listing.after) {
    const [value, id] = decodeCursor(listing.after, order.field);
    paged.push(`(${column}, id) ${direction === "asc" ? ">" : "<"} (?, ?)`);
    pagedParams.push(value, id);
  }
  const [rows, [{ total }]] = await Promise.all([
    em.execute<{ id: string }[]>(`select id from leads.leads where ${paged.join(" and ")} order by ${column} ${direction}, id ${direction} limit ?`, [
      ...pagedParams,
      first + 1,
    ]),
    em.execute<{ total: string }[]>(`select count(*) as total from leads.leads where ${where.join(" and ")}`, params),
  ]);
  const ids = rows.slice(0, first).map((row) => row.id);
  const leads = ids.length ? await em.find(Lead, { id: { $in: ids } }) : [];
  const byId = new Map(leads.map((lead) => [lead.id, lead]));
  const edges = ids.flatMap((id) => {
    const lead = byId.get(id);
    return lead ? [{ cursor: encodeCursor(read(lead), lead.id), node: lead }] : [];
  });
  return { edges, totalCount: Number(total), pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
}

/**
 * The owner's leads that `filter` matches, as conditions on leads.leads with their parameters (values
 * only ever as parameters): the listing and exports share them, so an export holds what the listing shows.
 */
export function filterConditions(ownerId: string, filter: LeadListing["filter"]): { where: string[]; params: unknown[] } {
  if (filter?.campaignId && !isUuid(filter.campaignId)) throw badInput("campaignId must be an id", "campaignId");
  const where = ["owner_id = ?"];
  const params: unknown[] = [ownerId];
  const add = (condition: string, value: unknown) => {
    where.push(condition);
    params.push(value);
  };
  if (filter?.status) add("status = ?", filter.status);
  if (filter?.minScore != null) add("score >= ?", filter.minScore);
  if (filter?.campaignId) add("campaign_id = ?", filter.campaignId);
  if (filter?.search?.trim()) add("search_vector @@ websearch_to_tsquery('simple', ?)", filter.search.trim());
  return { where, params };
}

function encodeCursor(value: string | number, id: string): string {
  return Buffer.from(JSON.stringify([value, id])).toString("base64url");
}

/**
 * Only what encodeCursor makes for this order: a value of the order's type and an id. The value
 * reaches Postgres, so it must be one a lead can hold: a score of 0 to 100, a name the text rule
 * admits (a NUL or half a surrogate pair is a database error, not a client's).
 */
function decodeCursor(cursor: string, field: LeadOrderField): [string | number, string] {
  try {
    const [value, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    if (!isUuid(id)) throw new Error();
    if (field === LeadOrderField.SCORE && Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 100) return [value as number, id];
    if (field === LeadOrderField.NAME && typeof value === "string" && !textProblem(value, "after", "single-line")) return [value, id];
    // A date of a year Postgres stores (1 to 9999), as toISOString prints it.
    if (field === LeadOrderField.CREATED_AT && typeof value === "string" && isStorableDate(new Date(value)) && new Date(value).toISOString() === value)
      return [value, id];
    throw new Error();
  } catch {
    throw badInput("after is not a valid cursor for this order", "after");
  }
}

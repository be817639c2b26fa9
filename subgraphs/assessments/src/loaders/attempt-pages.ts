import type { EntityManager } from "@mikro-orm/postgresql";
import type { Page } from "@solo/kit";
import { decodeCursor, groupBy, pageFrom, pageSize } from "@solo/kit";
import DataLoader from "dataloader";
import { Attempt } from "../entities";
import type { Sql } from "./sql";
import { placeholders } from "./sql";

/** One account's page of attempts: the field's arguments are the same for every item of a list. */
export interface AttemptPageKey {
  userId: string;
  first: number | null;
  after: string | null;
}

const argsOf = (key: AttemptPageKey) => JSON.stringify([key.first, key.after]);
const pageKey = (key: AttemptPageKey) => `${key.userId}|${argsOf(key)}`;

/**
 * User.attempts for every account of a list (an admin's directory) in three statements, where
 * paginate took two per account: each account's first page ranked by a window over its own rows,
 * those rows read as entities, and the counts grouped by account. Cursors and page bounds are the
 * kit's (paginate), so a page here and one from paginate are the same page.
 */
export function attemptPagesLoader(em: EntityManager, sql: Sql) {
  return new DataLoader<AttemptPageKey, Page<Attempt>, string>(
    async (keys) => {
      const pages = new Map<string, Page<Attempt>>();
      for (const group of groupBy([...new Set(keys.map(argsOf))], [...keys], argsOf)) {
        const { first, after } = group[0];
        const size = pageSize(first);
        const userIds = [...new Set(group.map((key) => key.userId))];
        const cursor = after ? decodeCursor(after) : undefined;
        const [ranked, counts] = await Promise.all([
          sql<{ id: string }>(
            `select id from (
               select id, row_number() over (partition by user_id order by created_at desc, id desc) as place
                 from assessments.attempts
                where user_id in (${placeholders(userIds)})${cursor ? " and (created_at < ? or (created_at = ? and id < ?))" : ""}
             ) ranked where place <= ?`,
            [...userIds, ...(cursor ? [cursor.createdAt, cursor.createdAt, cursor.id] : []), size + 1],
          ),
          sql<{ user_id: string; n: number }>(
            `select user_id, count(*)::int as n from assessments.attempts where user_id in (${placeholders(userIds)}) group by user_id`,
            userIds,
          ),
        ]);
        // Newest first, as paginate's "desc": grouping keeps this order within each account.
        const rows = ranked.length ? await em.find(Attempt, { id: { $in: ranked.map((row) => row.id) } }, { orderBy: { createdAt: "desc", id: "desc" } }) : [];
        const totals = new Map(counts.map((row) => [row.user_id, row.n]));
        const byUser = groupBy(userIds, rows, (attempt) => attempt.userId);
        for (const [index, userId] of userIds.entries()) {
          pages.set(pageKey({ userId, first, after }), pageFrom(byUser[index], size, totals.get(userId) ?? 0));
        }
      }
      return keys.map((key) => pages.get(pageKey(key))!);
    },
    { cacheKeyFn: pageKey },
  );
}

import DataLoader from "dataloader";
import { isUuid } from "./config";

/**
 * A per-request loader of rows by id: one query for every id asked for in the same tick, results in
 * the order asked, null for ids that do not exist (including strings that are not UUIDs at all).
 */
export function loaderById<T extends { id: string }>(fetch: (ids: readonly string[]) => Promise<T[]>): DataLoader<string, T | null> {
  return new DataLoader<string, T | null>(async (ids) => {
    const wellFormed = ids.filter(isUuid);
    const rows = wellFormed.length ? await fetch(wellFormed) : [];
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** Rows grouped by a key, one group per key asked for, in that order (empty when none match). */
export function groupBy<T>(keys: readonly string[], rows: T[], keyOf: (row: T) => string): T[][] {
  const groups = new Map<string, T[]>(keys.map((key) => [key, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((key) => groups.get(key)!);
}

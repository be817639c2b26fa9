import DataLoader from "dataloader";

/**
 * A per-request loader of rows by id: one query for every id asked for in the same tick, results in
 * the order asked, null for ids that do not exist.
 */
export function loaderById<T extends { id: string }>(
  fetch: (ids: readonly string[]) => Promise<T[]>,
): DataLoader<string, T | null> {
  return new DataLoader<string, T | null>(async (ids) => {
    const rows = await fetch(ids);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

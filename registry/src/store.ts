import type { Pool, PoolClient } from "pg";
import type { ClientRef, CurrentSubgraph, LaunchSummary, SubgraphVersion, SubgraphVersionSummary, Variant } from "./api-types";

/** The registry's reads and writes in SQL (schema `registry`); handlers decide, this only stores and finds. */

export type Queryable = Pool | PoolClient;

export interface Launch extends LaunchSummary {
  supergraphSdl: string;
  apiSdl: string;
}

interface VersionRow {
  id: string;
  subgraph: string;
  url: string;
  sdl: string;
  hash: string;
  author: string | null;
  commit: string | null;
  created_at: Date;
}

const versionSummary = (row: VersionRow): SubgraphVersionSummary => ({
  id: row.id,
  url: row.url,
  hash: row.hash,
  author: row.author,
  commit: row.commit,
  createdAt: row.created_at.toISOString(),
});

interface LaunchRow {
  id: string;
  created_at: Date;
  trigger_subgraph: string;
  trigger_version: string;
  supergraph_sdl: string;
  supergraph_hash: string;
  api_sdl: string;
  api_hash: string;
}

const launchOf = (row: LaunchRow): Launch => ({
  id: row.id,
  createdAt: row.created_at.toISOString(),
  trigger: { subgraph: row.trigger_subgraph, versionId: row.trigger_version },
  supergraphHash: row.supergraph_hash,
  apiHash: row.api_hash,
  supergraphSdl: row.supergraph_sdl,
  apiSdl: row.api_sdl,
});

export const summaryOf = ({ id, createdAt, trigger, supergraphHash, apiHash }: Launch): LaunchSummary => ({ id, createdAt, trigger, supergraphHash, apiHash });

export async function currentLaunch(db: Queryable): Promise<Launch | null> {
  const { rows } = await db.query<LaunchRow>("select * from registry.launches order by seq desc limit 1");
  return rows[0] ? launchOf(rows[0]) : null;
}

export async function launchById(db: Queryable, id: string): Promise<Launch | null> {
  const { rows } = await db.query<LaunchRow>("select * from registry.launches where id = $1", [id]);
  return rows[0] ? launchOf(rows[0]) : null;
}

/** Every launch without its SDL (a few hundred bytes each, where the SDL is up to megabytes), newest first. */
export async function launchSummaries(db: Queryable): Promise<LaunchSummary[]> {
  const { rows } = await db.query<Omit<LaunchRow, "supergraph_sdl" | "api_sdl">>(
    "select id, created_at, trigger_subgraph, trigger_version, supergraph_hash, api_hash from registry.launches order by seq desc",
  );
  return rows.map((row) => summaryOf(launchOf({ ...row, supergraph_sdl: "", api_sdl: "" })));
}

/** The launches named, with their SDL, in no particular order. */
export async function launchesByIds(db: Queryable, ids: string[]): Promise<Launch[]> {
  const { rows } = await db.query<LaunchRow>("select * from registry.launches where id = any($1::uuid[])", [ids]);
  return rows.map(launchOf);
}

/** The current launch and the versions it composed, read in one snapshot (a publish between two reads cannot mix them). */
export async function currentState(pool: Pool): Promise<{ launch: Launch | null; versions: SubgraphVersion[] }> {
  const client = await pool.connect();
  try {
    await client.query("begin isolation level repeatable read read only");
    const launch = await currentLaunch(client);
    const versions = await currentVersions(client);
    await client.query("commit");
    return { launch, versions };
  } catch (error) {
    await client.query("rollback").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** The subgraph versions the current launch composed, with their SDL. */
export async function currentVersions(db: Queryable): Promise<SubgraphVersion[]> {
  const { rows } = await db.query<VersionRow>(
    `select v.* from registry.launch_subgraphs m join registry.subgraph_versions v on v.id = m.version_id
      where m.launch_id = (select id from registry.launches order by seq desc limit 1) order by v.subgraph`,
  );
  return rows.map((row) => ({ ...versionSummary(row), subgraph: row.subgraph, sdl: row.sdl }));
}

export function currentSubgraph(version: SubgraphVersion): CurrentSubgraph {
  return { name: version.subgraph, url: version.url, versionId: version.id, hash: version.hash, createdAt: version.createdAt };
}

/** Newest first; null when the subgraph was never published. */
export async function versionsOf(db: Queryable, subgraph: string): Promise<SubgraphVersionSummary[] | null> {
  const { rows } = await db.query<VersionRow>("select * from registry.subgraph_versions where subgraph = $1 order by created_at desc, id", [subgraph]);
  return rows.length ? rows.map(versionSummary) : null;
}

export async function versionById(db: Queryable, subgraph: string, id: string): Promise<SubgraphVersion | null> {
  const { rows } = await db.query<VersionRow>("select * from registry.subgraph_versions where subgraph = $1 and id = $2", [subgraph, id]);
  return rows[0] ? { ...versionSummary(rows[0]), subgraph: rows[0].subgraph, sdl: rows[0].sdl } : null;
}

export async function insertVersion(
  db: Queryable,
  version: { subgraph: string; url: string; sdl: string; hash: string; author?: string; commit?: string },
): Promise<SubgraphVersion> {
  const { rows } = await db.query<VersionRow>(
    // clock_timestamp(), not now(): the time the publish took the lock, so versions are in launch order (now() is when the transaction began).
    "insert into registry.subgraph_versions (subgraph, url, sdl, hash, author, commit, created_at) values ($1, $2, $3, $4, $5, $6, clock_timestamp()) returning *",
    [version.subgraph, version.url, version.sdl, version.hash, version.author ?? null, version.commit ?? null],
  );
  return { ...versionSummary(rows[0]), subgraph: rows[0].subgraph, sdl: rows[0].sdl };
}

export async function insertLaunch(
  db: Queryable,
  launch: {
    trigger: { subgraph: string; versionId: string };
    supergraphSdl: string;
    supergraphHash: string;
    apiSdl: string;
    apiHash: string;
    members: { subgraph: string; versionId: string }[];
  },
): Promise<Launch> {
  const { rows } = await db.query<LaunchRow>(
    `insert into registry.launches (trigger_subgraph, trigger_version, supergraph_sdl, supergraph_hash, api_sdl, api_hash, created_at)
     values ($1, $2, $3, $4, $5, $6, clock_timestamp()) returning *`,
    [launch.trigger.subgraph, launch.trigger.versionId, launch.supergraphSdl, launch.supergraphHash, launch.apiSdl, launch.apiHash],
  );
  await db.query("insert into registry.launch_subgraphs (launch_id, subgraph, version_id) select $1, unnest($2::text[]), unnest($3::uuid[])", [
    rows[0].id,
    launch.members.map((member) => member.subgraph),
    launch.members.map((member) => member.versionId),
  ]);
  return launchOf(rows[0]);
}

export async function variantByName(db: Queryable, name: string): Promise<Variant | null> {
  const { rows } = await db.query<Variant>("select name, include, exclude from registry.variants where name = $1", [name]);
  return rows[0] ?? null;
}

export async function allVariants(db: Queryable): Promise<Variant[]> {
  return (await db.query<Variant>("select name, include, exclude from registry.variants order by name")).rows;
}

export async function upsertVariant(db: Queryable, variant: Variant): Promise<Variant> {
  const { rows } = await db.query<Variant>(
    `insert into registry.variants (name, include, exclude) values ($1, $2, $3)
     on conflict (name) do update set include = excluded.include, exclude = excluded.exclude, updated_at = now()
     returning name, include, exclude`,
    [variant.name, variant.include, variant.exclude],
  );
  return rows[0];
}

/** Every trusted document with its clients. */
export async function trustedOperations(db: Queryable): Promise<{ hash: string; name: string; body: string; clients: ClientRef[] }[]> {
  const { rows } = await db.query<{ hash: string; name: string; body: string; clients: { name: string; version: string }[] }>(
    `select o.hash, o.name, o.body,
            coalesce(json_agg(json_build_object('name', c.client_name, 'version', c.client_version) order by c.client_name, c.client_version)
                     filter (where c.client_name is not null), '[]') as clients
       from registry.operations o left join registry.operation_clients c on c.hash = o.hash
      group by o.hash order by o.name, o.hash`,
  );
  return rows.map((row) => ({ ...row, clients: row.clients.map(clientRef) }));
}

/** Operations the gateways reported within `days` days, with the clients that sent them. */
export async function recentUsageOperations(db: Queryable, days: number): Promise<{ hash: string; name: string; body: string; clients: ClientRef[] }[]> {
  const { rows } = await db.query<{ hash: string; name: string; body: string; clients: { name: string; version: string }[] }>(
    `select u.hash, u.name, u.body,
            json_agg(distinct jsonb_build_object('name', c.client_name, 'version', c.client_version)) as clients
       from registry.usage_operations u join registry.usage_counts c on c.hash = u.hash
      where c.day >= (now() at time zone 'utc')::date - ($1::int - 1)
      group by u.hash order by u.name, u.hash`,
    [days],
  );
  return rows.map((row) => ({ ...row, clients: row.clients.map(clientRef) }));
}

/** Stored client versions are '' for "none given"; the API says null. */
export const clientRef = (client: { name: string; version: string }): ClientRef => ({ name: client.name, version: client.version || null });

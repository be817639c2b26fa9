import type { Pool } from "pg";
import { isMissingRelation } from "@solo/kit";

/**
 * The registry's tables, in schema `registry`, one step per entry. A step is never edited once it
 * has shipped: a change is a new step. They run at start-up (or, with MIGRATE_ON_START=false, in
 * `npm run migrate` only) under an advisory lock, so replicas starting together apply each step once.
 */
const MIGRATIONS: { id: string; sql: string }[] = [
  {
    id: "001_initial",
    sql: `
      create table registry.subgraph_versions (
        id uuid primary key default gen_random_uuid(),
        subgraph text not null,
        url text not null,
        sdl text not null,
        hash text not null,
        author text,
        commit text,
        created_at timestamptz not null default now()
      );
      create index subgraph_versions_by_subgraph on registry.subgraph_versions (subgraph, created_at desc);

      -- A launch is one composed supergraph; its members are the subgraph versions it composed.
      create table registry.launches (
        id uuid primary key default gen_random_uuid(),
        seq bigserial not null unique,
        trigger_subgraph text not null,
        trigger_version uuid not null references registry.subgraph_versions (id),
        supergraph_sdl text not null,
        supergraph_hash text not null,
        api_sdl text not null,
        api_hash text not null,
        created_at timestamptz not null default now()
      );
      create table registry.launch_subgraphs (
        launch_id uuid not null references registry.launches (id),
        subgraph text not null,
        version_id uuid not null references registry.subgraph_versions (id),
        primary key (launch_id, subgraph)
      );

      create table registry.variants (
        name text primary key,
        include text[] not null default '{}',
        exclude text[] not null default '{}',
        updated_at timestamptz not null default now()
      );

      -- Trusted documents: content-addressed (hash = sha256 of body), shared by the clients that publish them.
      create table registry.operations (
        hash text primary key,
        name text not null,
        type text not null,
        body text not null,
        created_at timestamptz not null default now()
      );
      create table registry.operation_clients (
        hash text not null references registry.operations (hash),
        client_name text not null,
        client_version text not null default '',
        created_at timestamptz not null default now(),
        primary key (hash, client_name, client_version)
      );

      -- What the gateways saw: each operation once, its coordinates, and counts per day and client.
      create table registry.usage_operations (
        hash text primary key,
        name text not null,
        type text not null,
        body text not null,
        first_seen timestamptz not null default now()
      );
      create table registry.usage_coordinates (
        hash text not null references registry.usage_operations (hash),
        coordinate text not null,
        primary key (hash, coordinate)
      );
      create index usage_coordinates_by_coordinate on registry.usage_coordinates (coordinate);
      create table registry.usage_counts (
        hash text not null references registry.usage_operations (hash),
        day date not null,
        client_name text not null,
        client_version text not null,
        count bigint not null,
        primary key (hash, day, client_name, client_version)
      );
      create index usage_counts_by_day on registry.usage_counts (day);
    `,
  },
];

/** An arbitrary constant: the key of the advisory lock migrations hold. */
const MIGRATION_LOCK = 4_100_013;

/** The registry's migrations not yet applied to its schema (none are, before its first start). */
export async function pendingMigrations(pool: Pool): Promise<string[]> {
  const done = await pool.query<{ id: string }>("select id from registry.migrations").catch((error: unknown) => {
    if (isMissingRelation(error)) return { rows: [] };
    throw error;
  });
  const applied = new Set(done.rows.map((row) => row.id));
  return MIGRATIONS.map((migration) => migration.id).filter((id) => !applied.has(id));
}

export async function migrate(pool: Pool): Promise<string[]> {
  const client = await pool.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await client.query("create schema if not exists registry");
    await client.query("create table if not exists registry.migrations (id text primary key, applied_at timestamptz not null default now())");
    const done = new Set((await client.query<{ id: string }>("select id from registry.migrations")).rows.map((row) => row.id));
    const applied: string[] = [];
    for (const migration of MIGRATIONS.filter((step) => !done.has(step.id))) {
      await client.query("begin");
      try {
        await client.query(migration.sql);
        await client.query("insert into registry.migrations (id) values ($1)", [migration.id]);
        await client.query("commit");
      } catch (error) {
        await client.query("rollback");
        throw error;
      }
      applied.push(migration.id);
    }
    return applied;
  } finally {
    await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
}

import { Kind } from "graphql";
import type { Pool } from "pg";
import type { CoordinateUsage, PublishOperationsResult, TrustedOperation, UsageReport } from "./api-types";
import { RegistryError } from "./errors";
import { badRequest, freeText, objectBody, requiredText, SHA256_HEX } from "./input";
import type { ManifestOperation, OperationType } from "./manifest";
import { documentHash, parseManifest } from "./manifest";
import { OPERATION_LIMITS, parseBounded } from "./parse-limits";
import { clientRef } from "./store";

/** Stores a client's trusted documents: all of them or, when anything is wrong with the manifest, none. */
export async function publishOperations(pool: Pool, body: unknown): Promise<PublishOperationsResult> {
  const request = objectBody(body);
  const client = objectBody(request.client);
  const clientName = requiredText(client.name, "client.name", 200);
  const clientVersion = freeText(client.version, "client.version", 200) ?? "";
  const { operations } = parseManifest(request.manifest);
  const db = await pool.connect();
  try {
    await db.query("begin");
    await insertOperations(db, operations);
    const { rowCount } = await db.query(
      `insert into registry.operation_clients (hash, client_name, client_version) select unnest($1::text[]), $2, $3 on conflict do nothing`,
      [operations.map((operation) => operation.id), clientName, clientVersion],
    );
    await db.query("commit");
    const stored = rowCount ?? 0;
    return { stored, unchanged: new Set(operations.map((operation) => operation.id)).size - stored };
  } catch (error) {
    await db.query("rollback").catch(() => undefined);
    throw error;
  } finally {
    db.release();
  }
}

async function insertOperations(db: Pick<Pool, "query">, operations: ManifestOperation[]): Promise<void> {
  await db.query(
    `insert into registry.operations (hash, name, type, body)
     select * from unnest($1::text[], $2::text[], $3::text[], $4::text[]) on conflict (hash) do nothing`,
    [operations.map((o) => o.id), operations.map((o) => o.name), operations.map((o) => o.type), operations.map((o) => o.body)],
  );
}

export async function trustedOperation(pool: Pool, hash: string): Promise<TrustedOperation> {
  if (!SHA256_HEX.test(hash)) throw badRequest("an operation's hash is its sha256: 64 lower-case hex digits");
  const { rows } = await pool.query<{ hash: string; name: string; type: OperationType; body: string; clients: { name: string; version: string }[] }>(
    `select o.hash, o.name, o.type, o.body,
            coalesce(json_agg(json_build_object('name', c.client_name, 'version', c.client_version) order by c.client_name, c.client_version)
                     filter (where c.client_name is not null), '[]') as clients
       from registry.operations o left join registry.operation_clients c on c.hash = o.hash
      where o.hash = $1 group by o.hash`,
    [hash],
  );
  if (!rows[0]) throw new RegistryError(404, "PERSISTED_QUERY_NOT_FOUND", `no trusted document has hash ${hash}`);
  const { hash: id, name, type, body, clients } = rows[0];
  return { id, name, type, body, clients: clients.map(clientRef) };
}

const COORDINATE = /^[A-Za-z_]\w*(\.[A-Za-z_]\w*(\([A-Za-z_]\w*:\))?)?$/;
const MAX_USAGE_OPERATIONS = 5_000;
const MAX_USAGE_COUNTS = 50_000;
/** A day's count saturates at bigint's largest rather than failing the report that would pass it. */
const MAX_COUNT = "9223372036854775807";

function isCoordinate(value: unknown): value is string {
  return typeof value === "string" && value.length <= 512 && COORDINATE.test(value);
}

/** Reads and checks a gateway's usage report; nothing in it is stored unless all of it is well-formed. */
function readUsageReport(body: unknown): UsageReport {
  const report = objectBody(body);
  if (!Array.isArray(report.operations) || report.operations.length > MAX_USAGE_OPERATIONS)
    throw badRequest(`operations must be a list of at most ${MAX_USAGE_OPERATIONS}`);
  if (!Array.isArray(report.counts) || report.counts.length > MAX_USAGE_COUNTS) throw badRequest(`counts must be a list of at most ${MAX_USAGE_COUNTS}`);
  const operations = report.operations.map((raw: unknown, index) => {
    const operation = objectBody(raw);
    const where = `operations[${index}]`;
    if (typeof operation.body !== "string" || operation.body.length > 1_000_000) throw badRequest(`${where}.body must be a document`);
    if (operation.hash !== documentHash(operation.body)) throw badRequest(`${where}.hash must be the sha256 of its body`);
    let document;
    try {
      document = parseBounded(operation.body, OPERATION_LIMITS, { noLocation: true });
    } catch (error) {
      throw badRequest(`${where}.body does not parse: ${(error as Error).message}`);
    }
    // Checks validate it as an operation: type definitions or a lone fragment have no place here.
    const other = document.definitions.find((definition) => definition.kind !== Kind.OPERATION_DEFINITION && definition.kind !== Kind.FRAGMENT_DEFINITION);
    if (other) throw badRequest(`${where}.body must hold executable definitions only (an operation and its fragments), not a ${other.kind}`);
    if (!document.definitions.some((definition) => definition.kind === Kind.OPERATION_DEFINITION)) throw badRequest(`${where}.body holds no operation`);
    if (!["query", "mutation", "subscription"].includes(operation.type as string)) throw badRequest(`${where}.type must be query, mutation or subscription`);
    if (!Array.isArray(operation.coordinates) || operation.coordinates.length > 10_000 || !operation.coordinates.every(isCoordinate)) {
      throw badRequest(`${where}.coordinates must be schema coordinates (Type.field, Type.field(arg:), Enum.VALUE)`);
    }
    return {
      hash: operation.hash,
      name: freeText(operation.name, `${where}.name`, 500) ?? "",
      type: operation.type as OperationType,
      body: operation.body,
      coordinates: [...new Set(operation.coordinates)],
    };
  });
  const counts = report.counts.map((raw: unknown, index) => {
    const count = objectBody(raw);
    const where = `counts[${index}]`;
    if (typeof count.hash !== "string" || !SHA256_HEX.test(count.hash)) throw badRequest(`${where}.hash must be a sha256`);
    if (typeof count.day !== "string" || !isDay(count.day)) throw badRequest(`${where}.day must be a date YYYY-MM-DD`);
    if (!recentDay(count.day)) throw badRequest(`${where}.day must be within ${PAST_DAYS} days before today and tomorrow (UTC)`);
    if (!Number.isSafeInteger(count.count) || (count.count as number) < 1 || (count.count as number) > 1e12)
      throw badRequest(`${where}.count must be a positive whole number`);
    return {
      hash: count.hash,
      day: count.day,
      clientName: freeText(count.clientName, `${where}.clientName`, 200) ?? "",
      clientVersion: freeText(count.clientVersion, `${where}.clientVersion`, 200) ?? "",
      count: count.count as number,
    };
  });
  return { operations, counts };
}

function isDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/** Usage older than this is of no check's window; a day ahead allows for gateways' clocks and time zones. */
const PAST_DAYS = 400;
const DAY_MS = 86_400_000;

function recentDay(day: string): boolean {
  const today = Date.parse(new Date().toISOString().slice(0, 10));
  const time = Date.parse(day);
  return time >= today - PAST_DAYS * DAY_MS && time <= today + DAY_MS;
}

export async function recordUsage(pool: Pool, body: unknown): Promise<{ operations: number; counts: number }> {
  const { operations, counts } = readUsageReport(body);
  const db = await pool.connect();
  try {
    await db.query("begin");
    await db.query(
      `insert into registry.usage_operations (hash, name, type, body)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::text[]) on conflict (hash) do nothing`,
      [operations.map((o) => o.hash), operations.map((o) => o.name), operations.map((o) => o.type), operations.map((o) => o.body)],
    );
    const pairs = operations.flatMap((operation) => operation.coordinates.map((coordinate) => [operation.hash, coordinate]));
    await db.query(`insert into registry.usage_coordinates (hash, coordinate) select * from unnest($1::text[], $2::text[]) on conflict do nothing`, [
      pairs.map((pair) => pair[0]),
      pairs.map((pair) => pair[1]),
    ]);
    const hashes = [...new Set(counts.map((count) => count.hash))];
    const known = new Set((await db.query<{ hash: string }>("select hash from registry.usage_operations where hash = any($1)", [hashes])).rows.map((row) => row.hash));
    const unknown = hashes.filter((hash) => !known.has(hash));
    if (unknown.length) throw badRequest(`counts name operations the registry has not been sent: ${unknown.slice(0, 5).join(", ")}`);
    await db.query(
      `insert into registry.usage_counts (hash, day, client_name, client_version, count)
       select hash, day, client_name, client_version, least(sum(count), $6)::bigint from unnest($1::text[], $2::date[], $3::text[], $4::text[], $5::bigint[])
           as t (hash, day, client_name, client_version, count)
        group by 1, 2, 3, 4
       on conflict (hash, day, client_name, client_version)
       do update set count = least(registry.usage_counts.count::numeric + excluded.count, $6)::bigint`,
      [counts.map((c) => c.hash), counts.map((c) => c.day), counts.map((c) => c.clientName), counts.map((c) => c.clientVersion), counts.map((c) => c.count), MAX_COUNT],
    );
    await db.query("commit");
    return { operations: operations.length, counts: counts.length };
  } catch (error) {
    await db.query("rollback").catch(() => undefined);
    throw error;
  } finally {
    db.release();
  }
}

/** Who used a schema coordinate within `days` days: each operation with its count, per client. */
export async function coordinateUsage(pool: Pool, coordinate: string, days: number): Promise<CoordinateUsage> {
  if (!isCoordinate(coordinate)) throw badRequest("a coordinate is Type, Type.field, Type.field(arg:) or Enum.VALUE");
  const { rows } = await pool.query<{ hash: string; name: string; client_name: string; client_version: string; count: string }>(
    `select u.hash, u.name, c.client_name, c.client_version, sum(c.count)::text as count
       from registry.usage_coordinates uc
       join registry.usage_operations u on u.hash = uc.hash
       join registry.usage_counts c on c.hash = uc.hash
      where uc.coordinate = $1 and c.day >= (now() at time zone 'utc')::date - ($2::int - 1)
      group by 1, 2, 3, 4`,
    [coordinate, days],
  );
  const byHash = new Map<string, CoordinateUsage["operations"][number]>();
  for (const row of rows) {
    const operation = byHash.get(row.hash) ?? { hash: row.hash, name: row.name, count: 0, clients: [] };
    operation.count += Number(row.count);
    operation.clients.push({ name: row.client_name, version: row.client_version, count: Number(row.count) });
    byHash.set(row.hash, operation);
  }
  const operations = [...byHash.values()].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  for (const operation of operations) operation.clients.sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  return { coordinate, days, operations };
}

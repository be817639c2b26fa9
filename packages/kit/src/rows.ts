import type { EntityClass, EntityMetadata, EntityProperty } from "@mikro-orm/core";
import { ReferenceKind } from "@mikro-orm/core";
import type { EntityManager, Kysely } from "@mikro-orm/postgresql";

/**
 * An entity's row as data to answer with: its persisted properties but the lazy and hidden ones
 * (dates as Date, a relation as `{ id }`, what resolvers read of one), read without the unit of work. Building managed entities
 * (a query builder per statement, hydration, the identity map, a property accessor per field and
 * instance) cost about twice what the statements themselves cost on the content subgraph's
 * busiest page: answers that only show data read rows. What a request changes is loaded as an
 * entity (`em.find`, the loaders), never as a row: a row is not managed, and changing one changes
 * nothing.
 */
export type Row<T> = Readonly<T>;

/**
 * Which rows, by property: a value (=), null (is null), an array or `{ $in }` (in), `{ $ne: null }`
 * (is not null), `{ $contains: [...] }` (an array column holding all of them). Conditions are
 * and-ed. Anything else is SQL of the caller's own (`RowQuery.and`).
 */
export type RowFilter<T> = { [K in keyof T]?: unknown };

export interface RowQuery<T> {
  /** One more condition, in SQL with `?` for each value in `params` (columnOf names columns). */
  and?: { sql: string; params: unknown[] };
  orderBy?: [property: keyof T & string, direction: "asc" | "desc"][];
  limit?: number;
}

interface RowShape {
  table: string;
  /**
   * The select list: every persisted column but the lazy and the hidden ones, each named as its
   * property (`"author_id" as "author"`), so the driver's row is the row: no second object per row.
   */
  columns: string;
  /** Relations stored as a foreign key, with the name of their target's key. */
  relations: [name: string, key: string][];
  /** Properties whose column value is not yet the property's, and how it becomes so (as the ORM's result mapper and hydration convert it). */
  conversions: [name: string, convert: (value: unknown) => unknown][];
}

const shapes = new WeakMap<EntityMetadata, RowShape>();

const isStoredRelation = (prop: EntityProperty) => prop.kind === ReferenceKind.MANY_TO_ONE || (prop.kind === ReferenceKind.ONE_TO_ONE && prop.owner);
const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

function shapeOf(em: EntityManager, meta: EntityMetadata): RowShape {
  const known = shapes.get(meta);
  if (known) return known;
  const platform = em.getPlatform();
  // Neither lazy columns (full-text vectors) nor hidden ones (a key's hash): what the entity would serialize.
  const props = meta.props.filter(
    (prop) => !prop.lazy && !prop.hidden && prop.persist !== false && !prop.formula && (prop.kind === ReferenceKind.SCALAR || isStoredRelation(prop)),
  );
  const compound = props.find((prop) => prop.fieldNames.length !== 1 || prop.embedded);
  if (compound) throw new Error(`rows read properties of one column each: ${meta.className}.${compound.name} is not one`);
  const schema = meta.schema ?? em.config.get("schema");
  const shape: RowShape = {
    table: schema ? `${quote(schema)}.${quote(meta.tableName)}` : quote(meta.tableName),
    columns: props.map((prop) => (prop.fieldNames[0] === prop.name ? quote(prop.name) : `${quote(prop.fieldNames[0])} as ${quote(prop.name)}`)).join(", "),
    relations: props.filter((prop) => isStoredRelation(prop) && !prop.mapToPk).map((prop) => [prop.name, prop.targetMeta!.primaryKeys[0]]),
    conversions: props.flatMap((prop): RowShape["conversions"] => {
      if (prop.kind !== ReferenceKind.SCALAR) return [];
      if (prop.customType) return [[prop.name, (value): unknown => (value == null ? value : prop.customType!.convertToJSValue(value, platform))]];
      // The driver gives timestamps as Dates and booleans as booleans; a date-only column may come as text.
      if (prop.runtimeType === "Date") return [[prop.name, (value) => (value == null || value instanceof Date ? value : platform.parseDate(value as string))]];
      if (prop.runtimeType === "boolean") return [[prop.name, (value) => (value == null ? value : !!value)]];
      return [];
    }),
  };
  shapes.set(meta, shape);
  return shape;
}

/** The quoted column of `entity`'s `property`, for SQL of one's own (`RowQuery.and`). */
export function columnOf<T>(em: EntityManager, entity: EntityClass<T>, property: keyof T & string): string {
  const prop = em.getMetadata().get(entity).properties[property as never] as EntityProperty | undefined;
  if (!prop?.fieldNames?.length) throw new Error(`${entity.name}.${property} is not a stored property`);
  return quote(prop.fieldNames[0]);
}

/** `where` as SQL over `entity`'s columns, with its values in order. */
function conditions<T>(em: EntityManager, entity: EntityClass<T>, where: RowFilter<T>, extra?: RowQuery<T>["and"]): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const meta = em.getMetadata().get(entity);
  for (const [property, value] of Object.entries(where)) {
    if (value === undefined) continue;
    const column = columnOf(em, entity, property as keyof T & string);
    const operators = value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Date) ? (value as Record<string, unknown>) : undefined;
    const list = Array.isArray(value) ? value : (operators?.$in as unknown[] | undefined);
    if (value === null) parts.push(`${column} is null`);
    else if (list) {
      if (list.length) {
        parts.push(`${column} in (?)`);
        params.push(list);
      } else parts.push("false");
    } else if (operators && Object.keys(operators).length === 1 && "$ne" in operators && operators.$ne === null) parts.push(`${column} is not null`);
    else if (operators && Object.keys(operators).length === 1 && Array.isArray(operators.$contains)) {
      const type = (meta.properties[property as never] as EntityProperty).columnTypes[0];
      parts.push(operators.$contains.length ? `${column} @> array[?]::${type}` : "true");
      if (operators.$contains.length) params.push(operators.$contains);
    } else if (operators) throw new Error(`findRows does not know the condition ${JSON.stringify(operators)} on ${entity.name}.${property}`);
    else {
      parts.push(`${column} = ?`);
      params.push(value);
    }
  }
  if (extra) {
    parts.push(`(${extra.sql})`);
    params.push(...extra.params);
  }
  return { sql: parts.length ? ` where ${parts.join(" and ")}` : "", params };
}

/**
 * One statement as the ORM sends it (values inlined by its platform, on its Kysely client or the
 * request's transaction, logged to its logger: query counts and captures see it; failures as its
 * DriverExceptions), without the wrapper `connection.execute` puts around each: about a third of
 * the client's time per statement on a short query.
 */
async function run(em: EntityManager, sql: string, params: unknown[]): Promise<Record<string, unknown>[]> {
  const formatted = em.getPlatform().formatQuery(sql, params);
  const client = em.getTransactionContext<Kysely<unknown>>() ?? em.getConnection().getClient();
  const logger = em.config.getLogger();
  const started = Date.now();
  try {
    // A raw statement, as CompiledQuery.raw makes one (kysely is the ORM's, not a dependency of ours).
    const { rows } = await client.executeQuery<Record<string, unknown>>({ sql: formatted, parameters: [], query: { kind: "RawNode" } } as never);
    logger.logQuery({ level: "info", query: sql, params, formatted, took: Date.now() - started, results: rows.length } as never);
    return rows;
  } catch (error) {
    logger.logQuery({ level: "error", query: sql, params, formatted, took: Date.now() - started } as never);
    throw em.getDriver().convertException(error as Error);
  }
}

/**
 * The rows of `entity` that match `where`, in `orderBy`'s order: one statement (run) whose columns
 * are named as their properties, then relations as `{ id }` and values converted as the ORM would.
 */
export async function findRows<T extends object>(em: EntityManager, entity: EntityClass<T>, where: RowFilter<T>, query: RowQuery<T> = {}): Promise<Row<T>[]> {
  const meta = em.getMetadata().get(entity);
  const shape = shapeOf(em, meta);
  const filter = conditions(em, entity, where, query.and);
  const order = query.orderBy?.length ? ` order by ${query.orderBy.map(([property, direction]) => `${columnOf(em, entity, property)} ${direction}`).join(", ")}` : "";
  const limit = query.limit !== undefined ? ` limit ${Math.trunc(query.limit)}` : "";
  const rows = await run(em, `select ${shape.columns} from ${shape.table}${filter.sql}${order}${limit}`, filter.params);
  for (const row of rows) {
    for (const [name, key] of shape.relations) if (row[name] != null) row[name] = { [key]: row[name] };
    for (const [name, convert] of shape.conversions) row[name] = convert(row[name]);
  }
  return rows as Row<T>[];
}

/** The one row of `entity` that matches `where`, or null. */
export async function findRow<T extends object>(em: EntityManager, entity: EntityClass<T>, where: RowFilter<T>): Promise<Row<T> | null> {
  const [row] = await findRows(em, entity, where, { limit: 1 });
  return row ?? null;
}

/** How many rows of `entity` match `where` (and `and`). */
export async function countRows<T extends object>(em: EntityManager, entity: EntityClass<T>, where: RowFilter<T>, and?: RowQuery<T>["and"]): Promise<number> {
  const shape = shapeOf(em, em.getMetadata().get(entity));
  const filter = conditions(em, entity, where, and);
  const [counted] = await run(em, `select count(*) as count from ${shape.table}${filter.sql}`, filter.params);
  return Number(counted.count);
}

import "reflect-metadata";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { MikroORM, OptionalProps } from "@mikro-orm/core";
import { Entity, ManyToOne, PrimaryKey, Property, ReflectMetadataProvider } from "@mikro-orm/decorators/legacy";
import type { EntityManager } from "@mikro-orm/postgresql";
import { PostgreSqlDriver } from "@mikro-orm/postgresql";
import { countQueries } from "../src/orm";
import { paginate } from "../src/pagination";
import { countRows, findRow, findRows } from "../src/rows";
import { createTestDatabase } from "../src/testing";

@Entity({ tableName: "shelves" })
class Shelf {
  @PrimaryKey({ type: "uuid" })
  id: string = randomUUID();

  @Property({ type: "text" })
  name!: string;
}

@Entity({ tableName: "books" })
class Book {
  [OptionalProps]?: "tags" | "publishedAt" | "createdAt" | "notes" | "barcode";

  @PrimaryKey({ type: "uuid" })
  id: string = randomUUID();

  @Property({ type: "text" })
  title!: string;

  @Property({ type: "integer", fieldName: "page_count" })
  pages!: number;

  @Property({ type: "text[]" })
  tags: string[] = [];

  @ManyToOne(() => Shelf)
  shelf!: Shelf;

  @Property({ type: "timestamptz", nullable: true })
  publishedAt: Date | null = null;

  @Property({ type: "timestamptz" })
  createdAt: Date = new Date();

  @Property({ type: "text", lazy: true })
  notes = "";

  @Property({ type: "text", hidden: true })
  barcode = "hidden";
}

const SCHEMA = "rows";
const ids = (rows: readonly { id: string }[]) => rows.map((row) => row.id);

/** Rows are what em.find reads, as plain data: same values, same statements, nothing managed. */
describe("rows", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let orm: MikroORM<PostgreSqlDriver>;
  let em: EntityManager;
  let shelf: Shelf;
  const books: Book[] = [];
  const at = new Date("2026-11-30T10:00:00.000Z");

  before(async () => {
    database = await createTestDatabase("rows");
    orm = await MikroORM.init<PostgreSqlDriver>({
      driver: PostgreSqlDriver,
      clientUrl: database.url,
      schema: SCHEMA,
      entities: [Shelf, Book],
      metadataProvider: ReflectMetadataProvider,
      allowGlobalContext: false,
      forceUtcTimezone: true,
      logger: () => undefined,
    });
    await orm.em.getConnection().execute(`create schema "${SCHEMA}"`);
    await orm.schema.create({ schema: SCHEMA });
    const writer = orm.em.fork();
    shelf = writer.create(Shelf, { name: "Law" });
    // Five books at the same instant (cursor ties), two more later; one unpublished; a title with a quote.
    const titles = ["Torts", "Contracts", "O'Brien on Evidence", "Equity", "Trusts", "Crime", "Land"];
    titles.forEach((title, index) => {
      books.push(
        writer.create(Book, {
          title,
          pages: 100 + index,
          tags: index % 2 ? ["civil", "core"] : ["core"],
          shelf,
          publishedAt: index === 3 ? null : at,
          createdAt: index < 5 ? at : new Date(at.getTime() + index * 1000),
          notes: "lazy",
        }),
      );
    });
    await writer.flush();
  });
  after(async () => {
    await orm.close();
    await database.drop();
  });

  const fresh = () => (em = orm.em.fork());

  it("hold what em.find hydrates, a relation as { id }, without the lazy and hidden columns", async () => {
    fresh();
    const rows = await findRows(em, Book, {}, { orderBy: [["title", "asc"]] });
    const entities = await orm.em.fork().find(Book, {}, { orderBy: { title: "asc" } });
    assert.equal(rows.length, books.length);
    rows.forEach((row, index) => {
      const entity = entities[index];
      assert.deepEqual(Object.keys(row).sort(), ["createdAt", "id", "pages", "publishedAt", "shelf", "tags", "title"]);
      for (const property of ["id", "title", "pages", "tags", "publishedAt", "createdAt"] as const) assert.deepEqual(row[property], entity[property], property);
      assert.deepEqual(row.shelf, { id: shelf.id });
      assert.ok(row.createdAt instanceof Date);
    });
  });

  it("are not managed: nothing enters the identity map, and a flush after changing one writes nothing", async () => {
    fresh();
    const statements = countQueries(orm);
    const row = (await findRow(em, Book, { title: "Torts" }))! as Book;
    assert.equal(em.getUnitOfWork().getIdentityMap().values().length, 0);
    row.title = "Changed";
    statements.reset();
    await em.flush();
    assert.equal(statements.value, 0);
    assert.equal((await findRow(orm.em.fork(), Book, { id: row.id }))!.title, "Torts");
  });

  it("filter by value, null, not null, list, contained values and SQL of one's own, one statement each", async () => {
    fresh();
    const statements = countQueries(orm);
    assert.deepEqual(ids(await findRows(em, Book, { title: "O'Brien on Evidence" })), [books[2].id]);
    assert.deepEqual(ids(await findRows(em, Book, { publishedAt: null })), [books[3].id]);
    assert.equal((await findRows(em, Book, { publishedAt: { $ne: null } })).length, 6);
    assert.deepEqual(ids(await findRows(em, Book, { id: [books[0].id, books[6].id] }, { orderBy: [["pages", "desc"]] })), [books[6].id, books[0].id]);
    assert.deepEqual(ids(await findRows(em, Book, { id: { $in: [books[1].id] } })), [books[1].id]);
    assert.deepEqual(await findRows(em, Book, { id: [] }), []);
    assert.deepEqual(ids(await findRows(em, Book, { tags: { $contains: ["civil"] } }, { orderBy: [["pages", "asc"]] })), [books[1].id, books[3].id, books[5].id]);
    assert.equal((await findRows(em, Book, { tags: { $contains: [] } })).length, 7);
    assert.deepEqual(ids(await findRows(em, Book, { shelf: shelf.id }, { and: { sql: `"page_count" > ?`, params: [104] }, orderBy: [["pages", "asc"]], limit: 1 })), [
      books[5].id,
    ]);
    assert.equal(await countRows(em, Book, { tags: { $contains: ["core"] }, publishedAt: { $ne: null } }), 6);
    assert.equal(await findRow(em, Book, { title: "'; drop table rows.books; --" }), null);
    assert.equal(statements.value, 11);
    await assert.rejects(findRows(em, Book, { pages: { $gt: 1 } }), /does not know the condition/);
  });

  it("read inside the request's transaction what it has not committed yet", async () => {
    fresh();
    await em.transactional(async (trx) => {
      const draft = trx.create(Book, { title: "Draft", pages: 1, shelf: trx.getReference(Shelf, shelf.id) });
      await trx.flush();
      assert.equal((await findRow(trx, Book, { id: draft.id }))?.title, "Draft");
      assert.equal(await findRow(orm.em.fork(), Book, { id: draft.id }), null);
      trx.remove(draft);
    });
  });

  it("page by (createdAt, id) across ties: every book once, in order, with the total", async () => {
    fresh();
    for (const direction of ["asc", "desc"] as const) {
      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page: Awaited<ReturnType<typeof paginate<Book>>> = await paginate(em, Book, { tags: { $contains: ["core"] } }, { first: 2, after, direction });
        assert.equal(page.totalCount, 7);
        seen.push(...page.edges.map((edge) => edge.node.id));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      const expected = [...books].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1)).map((book) => book.id);
      assert.deepEqual(seen, direction === "asc" ? expected : expected.reverse());
    }
  });
});

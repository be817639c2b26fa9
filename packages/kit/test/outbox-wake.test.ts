import "reflect-metadata";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, beforeEach, describe, it } from "node:test";
import { MikroORM } from "@mikro-orm/core";
import { Entity, PrimaryKey, Property, ReflectMetadataProvider, Unique } from "@mikro-orm/decorators/legacy";
import { PostgreSqlDriver } from "@mikro-orm/postgresql";
import { Client } from "pg";
import { OutboxWakeUp } from "../src/outbox-wake";
import { createTestDatabase } from "../src/testing";

@Entity({ tableName: "letters" })
@Unique({ properties: ["recipient"] })
class Letter {
  @PrimaryKey({ type: "uuid" })
  id: string = randomUUID();

  @Property({ type: "text" })
  recipient!: string;
}

@Entity({ tableName: "notes" })
class Note {
  @PrimaryKey({ type: "uuid" })
  id: string = randomUUID();
}

const SCHEMA = "wake";
const tick = () => new Promise((resolve) => setTimeout(resolve, 30));

/**
 * A wake-up comes after the commit that wrote an outbox row, never before it, and never for a
 * rolled-back write: whoever it wakes, looking from another connection, finds the row there.
 */
describe("outbox wake-ups", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let orm: MikroORM<PostgreSqlDriver>;
  let observer: Client;
  /** For each wake-up: how many letters another connection saw at that moment. */
  let wakes: Promise<number>[];

  before(async () => {
    database = await createTestDatabase("wake");
    orm = await MikroORM.init<PostgreSqlDriver>({
      driver: PostgreSqlDriver,
      clientUrl: database.url,
      schema: SCHEMA,
      entities: [Letter, Note],
      metadataProvider: ReflectMetadataProvider,
      allowGlobalContext: false,
      logger: () => undefined,
    });
    await orm.em.getConnection().execute(`create schema "${SCHEMA}"`);
    await orm.schema.create({ schema: SCHEMA });
    observer = new Client({ connectionString: database.url });
    await observer.connect();
    const letters = async () => Number((await observer.query(`select count(*) as n from "${SCHEMA}".letters`)).rows[0].n);
    orm.em.getEventManager().registerSubscriber(new OutboxWakeUp(new Map([[Letter, [() => void wakes.push(letters())]]])));
  });
  beforeEach(async () => {
    wakes = [];
    await orm.em.getConnection().execute(`truncate "${SCHEMA}".letters, "${SCHEMA}".notes`);
  });
  after(async () => {
    await observer.end();
    await orm.close();
    await database.drop();
  });

  it("wakes after a flush that inserted a row, once per flush, and the row is committed by then", async () => {
    const em = orm.em.fork();
    em.create(Letter, { recipient: "a" });
    em.create(Letter, { recipient: "b" });
    await em.flush();
    await tick();
    assert.deepEqual(await Promise.all(wakes), [2]);
  });

  it("waits for the transaction a flush ran in, and its savepoints, to commit", async () => {
    await orm.em.fork().transactional(async (em) => {
      em.create(Letter, { recipient: "a" });
      await em.flush();
      await tick();
      assert.equal(wakes.length, 0, "nothing is woken while the row is not committed");
    });
    await tick();
    assert.deepEqual(await Promise.all(wakes), [1]);

    // A row written in a savepoint only: the wake-up waits for the outer commit, not the savepoint's.
    await orm.em.fork().transactional(async (em) => {
      em.create(Note, {});
      await em.flush();
      await em.transactional(async (inner) => {
        inner.create(Letter, { recipient: "b" });
        await inner.flush();
      });
      await tick();
      assert.equal(wakes.length, 1, "nothing more is woken before the outer commit");
    });
    await tick();
    assert.deepEqual(await Promise.all(wakes), [1, 2]);
  });

  it("does not wake for a write that was rolled back", async () => {
    await assert.rejects(
      orm.em.fork().transactional(async (em) => {
        em.create(Letter, { recipient: "a" });
        await em.flush();
        throw new Error("changed my mind");
      }),
      /changed my mind/,
    );
    await tick();
    assert.equal(wakes.length, 0);
  });

  it("wakes after an upsert, and not for other entities", async () => {
    const em = orm.em.fork();
    em.create(Note, {});
    await em.flush();
    await tick();
    assert.equal(wakes.length, 0, "a note is nobody's outbox");
    await em.upsert(Letter, { id: randomUUID(), recipient: "a" }, { onConflictFields: ["recipient"], onConflictAction: "ignore" });
    await tick();
    assert.deepEqual(await Promise.all(wakes), [1]);
  });
});

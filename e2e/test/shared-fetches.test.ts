import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { registerWithRole } from "../src/content-fixtures";
import type { GraphQLResponse, Stack } from "../src/stack";
import { register, startStack } from "../src/stack";

const MATERIALS = "{ readingMaterials(first: 5) { totalCount edges { node { id title } } } }";
const CREATE = "mutation ($input: ReadingMaterialInput!) { createReadingMaterial(input: $input) { id title } }";

/**
 * Identical subgraph queries in flight at once share one fetch. Requests are held in flight for
 * real: content's statements wait on a table another connection has locked, and the test lets go
 * once Postgres shows what it expects waiting.
 */
describe("identical subgraph queries in flight share one fetch", () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack?.close());

  async function sharedFetches(): Promise<number> {
    const text = await (await fetch(`${stack.origin}/metrics`)).text();
    return [...text.matchAll(/^subgraph_fetches_shared_total\{[^}]*subgraph="content"[^}]*\} (\d+)$/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
  }

  /** Statements of this test's database waiting on a lock. */
  async function waitingOnLocks(): Promise<number> {
    const { rows } = await stack.db.query<{ count: string }>(
      "select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()",
    );
    return Number(rows[0].count);
  }

  async function until(check: () => Promise<boolean>, what: string): Promise<void> {
    const started = Date.now();
    while (!(await check())) {
      if (Date.now() - started > 10_000) assert.fail(`not ${what} after 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Sends `requests` while reading materials is locked, lets go once `ready` holds, and returns their answers. */
  async function whileLocked(requests: () => Promise<GraphQLResponse>[], ready: () => Promise<boolean>, what: string): Promise<GraphQLResponse[]> {
    await stack.db.query("BEGIN");
    await stack.db.query("LOCK TABLE content.reading_materials IN ACCESS EXCLUSIVE MODE");
    let answers: Promise<GraphQLResponse[]>;
    try {
      answers = Promise.all(requests());
      await until(ready, what);
    } finally {
      await stack.db.query("COMMIT");
    }
    return answers;
  }

  it("sends three identical anonymous queries as one, and each client gets the whole answer", async () => {
    const alone = await stack.measure(async () => {
      assert.equal((await stack.client().request(MATERIALS)).errors, undefined);
    });
    const sharedBefore = await sharedFetches();
    let answers: GraphQLResponse[] = [];
    const together = await stack.measure(async () => {
      answers = await whileLocked(
        () => [0, 1, 2].map(() => stack.client().request(MATERIALS)),
        async () => (await sharedFetches()) - sharedBefore === 2 && (await waitingOnLocks()) >= 1,
        "two queries sharing a third's fetch",
      );
    });
    for (const answer of answers) assert.equal(answer.status, 200, JSON.stringify(answer.errors));
    assert.deepEqual(answers[1].data, answers[0].data);
    assert.deepEqual(answers[2].data, answers[0].data);
    assert.equal(together.sql.content, alone.sql.content, `content ran ${together.sql.content} statements for three clients, ${alone.sql.content} for one`);
  });

  it("never shares between identities: an anonymous query and a signed-in one each go", async () => {
    const account = await register(stack);
    const sharedBefore = await sharedFetches();
    const answers = await whileLocked(
      () => [stack.client().request(MATERIALS), account.client.request(MATERIALS)],
      async () => (await waitingOnLocks()) >= 2,
      "both queries at the database",
    );
    for (const answer of answers) assert.equal(answer.status, 200, JSON.stringify(answer.errors));
    assert.equal((await sharedFetches()) - sharedBefore, 0);
  });

  it("never shares a mutation: two identical ones in flight at once each happen", async () => {
    const instructor = await registerWithRole(stack, "INSTRUCTOR");
    const input = { title: "Twice the same digest", kind: "GK_DIGEST", topic: "polity", body: "Sent twice at once" };
    const sharedBefore = await sharedFetches();
    const answers = await whileLocked(
      () => [instructor.client.request(CREATE, { input }), instructor.client.request(CREATE, { input })],
      async () => (await waitingOnLocks()) >= 2,
      "both mutations at the database",
    );
    for (const answer of answers) assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
    assert.notEqual(answers[0].data.createReadingMaterial.id, answers[1].data.createReadingMaterial.id);
    assert.equal((await sharedFetches()) - sharedBefore, 0);
  });
});

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { registerWithRole } from "../src/content-fixtures";
import { metricSum, until, waitingOnLocks, whileLocked } from "../src/held-requests";
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

  const sharedFetches = () => metricSum(stack.origin, "subgraph_fetches_shared_total", 'subgraph="content"');

  /** Sends `requests` while reading materials is locked, lets go once `ready` holds, and returns their answers. */
  async function sendWhileLocked(requests: () => Promise<GraphQLResponse>[], ready: () => Promise<boolean>, what: string): Promise<GraphQLResponse[]> {
    const { answers } = await whileLocked(stack.db, "content.reading_materials", async () => {
      const answers = Promise.all(requests());
      await until(ready, what);
      return { answers };
    });
    return answers;
  }

  it("sends three identical anonymous queries as one, and each client gets the whole answer", async () => {
    const alone = await stack.measure(async () => {
      assert.equal((await stack.client().request(MATERIALS)).errors, undefined);
    });
    const sharedBefore = await sharedFetches();
    let answers: GraphQLResponse[] = [];
    const together = await stack.measure(async () => {
      answers = await sendWhileLocked(
        () => [0, 1, 2].map(() => stack.client().request(MATERIALS)),
        async () => (await sharedFetches()) - sharedBefore === 2 && (await waitingOnLocks(stack.db)) >= 1,
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
    const answers = await sendWhileLocked(
      () => [stack.client().request(MATERIALS), account.client.request(MATERIALS)],
      async () => (await waitingOnLocks(stack.db)) >= 2,
      "both queries at the database",
    );
    for (const answer of answers) assert.equal(answer.status, 200, JSON.stringify(answer.errors));
    assert.equal((await sharedFetches()) - sharedBefore, 0);
  });

  it("never shares a mutation: two identical ones in flight at once each happen", async () => {
    const instructor = await registerWithRole(stack, "INSTRUCTOR");
    const input = { title: "Twice the same digest", kind: "GK_DIGEST", topic: "polity", body: "Sent twice at once" };
    const sharedBefore = await sharedFetches();
    const answers = await sendWhileLocked(
      () => [instructor.client.request(CREATE, { input }), instructor.client.request(CREATE, { input })],
      async () => (await waitingOnLocks(stack.db)) >= 2,
      "both mutations at the database",
    );
    for (const answer of answers) assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
    assert.notEqual(answers[0].data.createReadingMaterial.id, answers[1].data.createReadingMaterial.id);
    assert.equal((await sharedFetches()) - sharedBefore, 0);
  });
});

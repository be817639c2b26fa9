import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildSchema } from "graphql";
import type { LiveField } from "../src/live-fields";
import type { SubscriptionPlan } from "../src/subscribe-request";
import { ValidatedDocuments, planSubscription } from "../src/subscribe-request";

const schemaWith = (fields: string) =>
  buildSchema(`
    type Query { score(id: ID!): Score }
    type Score { id: ID! ${fields} }
    type Subscription { scoreChanged(id: ID!): Score }
  `);
const live = new Map<string, LiveField>([["scoreChanged", { lookup: "score", audience: "per-identity" }]]);
const payload = (selection: string) => ({ query: `subscription Watch($id: ID!) { scoreChanged(id: $id) { ${selection} } }`, variables: { id: "s1" } });

function planned(result: SubscriptionPlan | readonly unknown[]): SubscriptionPlan {
  assert.ok(!Array.isArray(result), JSON.stringify(result));
  return result as SubscriptionPlan;
}

describe("a subscription's plan", () => {
  it("reuses a document once valid against the same schema, and validates it anew against another", () => {
    const validated = new ValidatedDocuments(10);
    const first = schemaWith("points: Int");
    const once = planned(planSubscription(payload("id points"), first, live, [], validated));
    const again = planned(planSubscription(payload("id points"), first, live, [], validated));
    // The very document parsed the first time: nothing was parsed or validated the second.
    assert.equal(again.document, once.document);
    assert.deepEqual(again.variables, { id: "s1" });
    assert.equal(again.topic, once.topic);

    // A new supergraph without the field: the same text is refused, not served from the cache.
    const without = planSubscription(payload("id points"), schemaWith("rank: Int"), live, [], validated);
    assert.ok(Array.isArray(without));
    assert.equal(without[0].extensions.code, "GRAPHQL_VALIDATION_FAILED");
  });

  it("keeps no invalid document, and at most its bound of valid ones per schema", () => {
    const validated = new ValidatedDocuments(2);
    const schema = schemaWith("points: Int");
    assert.ok(Array.isArray(planSubscription(payload("id nope"), schema, live, [], validated)));
    assert.equal(validated.get(schema, payload("id nope").query), undefined);

    for (const selection of ["id", "points", "id points"]) planned(planSubscription(payload(selection), schema, live, [], validated));
    assert.equal(validated.get(schema, payload("id").query), undefined, "the oldest went first");
    assert.ok(validated.get(schema, payload("points").query));
    assert.ok(validated.get(schema, payload("id points").query));
  });
});

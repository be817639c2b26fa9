import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { signServiceToken } from "@solo/kit";
import type { TestRegistry } from "./support";
import { serviceCaller, startTestRegistry } from "./support";

const FIELD = `routerConfig(ref: "solo@current", apiKey: $k) { __typename ... on RouterConfigResult { id supergraphSDL } }`;

describe("Uplink answers one routerConfig per request", () => {
  let t: TestRegistry;
  let token: string;
  const uplink = async (query: string) => {
    const response = await fetch(`${t.registry.url}/uplink`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, variables: { k: token } }),
    });
    return { status: response.status, body: (await response.json()) as { data?: Record<string, { __typename: string }>; errors?: { message: string }[] } };
  };
  before(async () => {
    t = await startTestRegistry();
    token = await signServiceToken("uplink-test");
    const published = await serviceCaller(t.registry)("POST", "/subgraphs/a/versions", { sdl: "type Query { a: Int }", url: "http://127.0.0.1:5010/graphql" });
    assert.equal(published.status, 201);
  });
  after(() => t.close());

  test("aliases, several root fields and introspection are refused with a 400 GraphQL error; the one field answers", async () => {
    const refused = [
      `query ($k: String!) { a: ${FIELD} b: ${FIELD} }`,
      `query ($k: String!) { one: ${FIELD} }`,
      `query ($k: String!) { ${FIELD} __typename }`,
      `query ($k: String!) { ${FIELD} ... on Query { again: ${FIELD} } }`,
      `query { __schema { types { name } } }`,
      `query ($k: String!) { ${FIELD.replace("__typename", '__typename ... on RouterConfigResult { __type(name: "Query") { name } }')} }`,
    ];
    for (const query of refused) {
      const answer = await uplink(query);
      assert.equal(answer.status, 400, query);
      assert.equal(answer.body.data, undefined, query);
      assert.ok(answer.body.errors?.length, query);
    }
    const many = await uplink(`query ($k: String!) { ${Array.from({ length: 50 }, (_, index) => `a${index}: ${FIELD}`).join(" ")} }`);
    assert.equal(many.status, 400);
    assert.match(many.body.errors![0].message, /exactly one routerConfig/);
    const answered = await uplink(`query ($k: String!) { ${FIELD} }`);
    assert.equal(answered.status, 200);
    assert.equal(answered.body.data!.routerConfig.__typename, "RouterConfigResult");
  });
});

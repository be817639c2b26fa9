import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildSchema, parse, validate } from "graphql";
import { limitRules, longestList, subgraphLimitsFromEnv } from "../src/limits";

const schema = buildSchema(`type Query { items(ids: [ID!]): [Item!]! } type Item { id: ID! children: [Item!]! }`);
const check = (query: string) => validate(schema, parse(query), limitRules({ maxDepth: 3, maxAliases: 1, maxListLength: 3 })).map((error) => error.message);

describe("request limits", () => {
  it("reports depth, aliases and lists written into the document as validation errors", () => {
    assert.deepEqual(check(`{ items(ids: [1, 2, 3]) { children { id } } }`), []);
    assert.deepEqual(check(`{ items { children { children { id } } } }`), ["Query depth limit of 3 exceeded, found 4."]);
    assert.deepEqual(check(`{ a: items { id } b: items { id } }`), ["Aliases limit of 1 exceeded, found 2."]);
    assert.deepEqual(check(`{ items(ids: [1, 2, 3, 4]) { id } }`), ["List of 4 items is longer than 3"]);
  });

  it("finds the longest list anywhere in variables, however deep they nest", () => {
    assert.equal(longestList(undefined), 0);
    assert.equal(longestList({ a: [1, 2], b: { c: [[1, 2, 3, 4], []] } }), 4);
    let deep: unknown = [1, 2, 3, 4, 5];
    for (let i = 0; i < 200_000; i++) deep = { next: deep };
    assert.equal(longestList(deep), 5, "nesting deeper than the call stack is walked, not a crash");
  });

  it("gives subgraphs a body limit of their own: the gateway's MAX_BODY_BYTES does not lower it", () => {
    const saved = { gateway: process.env.MAX_BODY_BYTES, subgraph: process.env.SUBGRAPH_MAX_BODY_BYTES };
    try {
      // `npm start` hands its environment to every process it starts.
      process.env.MAX_BODY_BYTES = "4096";
      delete process.env.SUBGRAPH_MAX_BODY_BYTES;
      assert.equal(subgraphLimitsFromEnv().maxBodyBytes, 2 * 1024 * 1024);
      process.env.SUBGRAPH_MAX_BODY_BYTES = "8192";
      assert.equal(subgraphLimitsFromEnv().maxBodyBytes, 8192);
    } finally {
      for (const [name, value] of [
        ["MAX_BODY_BYTES", saved.gateway],
        ["SUBGRAPH_MAX_BODY_BYTES", saved.subgraph],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { buildSchema, parse } from "graphql";
import { changeTouches } from "../src/changes";
import { operationCoordinates } from "../src/coordinates";

const schema = buildSchema(`
  interface Node { id: ID! }
  type User implements Node { id: ID! name: String! posts(first: Int, order: Order): [Post!]! }
  type Post implements Node { id: ID! title: String! }
  enum Order { NEWEST OLDEST }
  enum Level { LOW HIGH }
  input PostFilter { level: Level, tags: [String!], nested: PostFilter }
  type Query { node(id: ID!): Node, user(id: ID!): User, search(filter: PostFilter, levels: [Level!]): [Post!]! }
  type Mutation { rename(id: ID!, name: String!): User }
`);

test("fields on their parent type as written, arguments given, fragments followed, meta fields left out", () => {
  const document = parse(`
    query Profile($id: ID!, $first: Int) {
      __typename
      user(id: $id) { ...UserBits posts(first: $first) { id } }
      node(id: "1") { id ... on Post { title } }
    }
    fragment UserBits on User { name }
  `);
  assert.deepEqual(operationCoordinates(schema, document), [
    "Node.id",
    "Post.id",
    "Post.title",
    "Query.node",
    "Query.node(id:)",
    "Query.user",
    "Query.user(id:)",
    "User.name",
    "User.posts",
    "User.posts(first:)",
  ]);
});

test("input fields and enum values written as literals, in lists and nested inputs; directive arguments are not coordinates", () => {
  const document = parse(`
    query Find($skip: Boolean!) {
      search(filter: { level: HIGH, nested: { tags: ["a"] } }, levels: [LOW]) { title @skip(if: $skip) }
      user(id: "1") { posts(order: NEWEST) { id } }
    }
  `);
  assert.deepEqual(operationCoordinates(schema, document), [
    "Level.HIGH",
    "Level.LOW",
    "Order.NEWEST",
    "Post.id",
    "Post.title",
    "PostFilter.level",
    "PostFilter.nested",
    "PostFilter.tags",
    "Query.search",
    "Query.search(filter:)",
    "Query.search(levels:)",
    "Query.user",
    "Query.user(id:)",
    "User.posts",
    "User.posts(order:)",
  ]);
});

test("mutations; what the schema does not have is skipped rather than invented", () => {
  const document = parse(`mutation { rename(id: "1", name: "x", extra: 1) { name missing } gone }`);
  assert.deepEqual(operationCoordinates(schema, document), ["Mutation.rename", "Mutation.rename(id:)", "Mutation.rename(name:)", "User.name"]);
});

test("a change touches the coordinates at or under its path; a breaking addition touches every use of what holds it", () => {
  const used = ["Query.user", "Query.user(id:)", "User.name", "PostFilter.level"];
  const touches = (criticality: "BREAKING" | "SAFE", type: string, path: string) => changeTouches({ criticality, type, message: "", path }, used);
  assert.equal(touches("BREAKING", "FIELD_REMOVED", "User.name"), true);
  assert.equal(touches("BREAKING", "FIELD_REMOVED", "User.email"), false);
  assert.equal(touches("BREAKING", "TYPE_REMOVED", "User"), true);
  assert.equal(touches("BREAKING", "TYPE_REMOVED", "Use"), false);
  assert.equal(touches("BREAKING", "FIELD_ARGUMENT_REMOVED", "Query.user.id"), true);
  assert.equal(touches("BREAKING", "FIELD_ARGUMENT_ADDED", "Query.user.required"), true);
  assert.equal(touches("BREAKING", "INPUT_FIELD_ADDED", "PostFilter.required"), true);
  assert.equal(touches("SAFE", "FIELD_ADDED", "Query.other"), false);
  assert.equal(touches("BREAKING", "FIELD_ARGUMENT_ADDED", "Query.other.required"), false);
});

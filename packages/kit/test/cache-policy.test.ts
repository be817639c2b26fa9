import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled } from "@apollo/server/plugin/disabled";
import { buildSubgraphSchema } from "@apollo/subgraph";
import gql from "graphql-tag";
import { CACHE_CONTROL_LINK } from "../src/cache-hints";
import { cachePolicyPlugin } from "../src/cache-policy";

const typeDefs = gql(`
extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@composeDirective"])

${CACHE_CONTROL_LINK}

type Query {
  course: Course
  courses: CourseConnection! @cacheControl(maxAge: 60)
  me: User
  ping: String
  cachedPing: String @cacheControl(maxAge: 30)
  search: [SearchHit!]! @cacheControl(maxAge: 90)
  privateNote: Note
  broken: Course @cacheControl(maxAge: 300)
}

type Course @key(fields: "id") @cacheControl(maxAge: 300) {
  id: ID!
  title: String!
  lessons: [Lesson!]!
  author: User!
  stats: Stats!
}

type Lesson @key(fields: "id") @cacheControl(maxAge: 120) {
  id: ID!
  title: String!
}

type User @key(fields: "id") {
  id: ID!
  name: String!
  email: String! @cacheControl(scope: PRIVATE)
}

type Stats @cacheControl(inheritMaxAge: true) {
  views: Int!
}

type Note @cacheControl(maxAge: 500, scope: PRIVATE) {
  text: String!
}

type CourseConnection @cacheControl(inheritMaxAge: true) {
  edges: [CourseEdge!]!
}

type CourseEdge @cacheControl(inheritMaxAge: true) {
  node: Course!
}

union SearchHit = Course | Lesson
`);

const lesson = (id: string) => ({ __typename: "Lesson", id, title: `Lesson ${id}` });
const course = {
  __typename: "Course",
  id: "c1",
  title: "Law",
  lessons: [lesson("l1"), lesson("l2")],
  author: { id: "u1", name: "Ada", email: "ada@example.com" },
  stats: { views: 3 },
};
const resolvers = {
  Query: {
    course: () => course,
    courses: () => ({ edges: [{ node: course }] }),
    me: () => course.author,
    ping: () => "pong",
    cachedPing: () => "pong",
    search: () => [course, lesson("l3")],
    privateNote: () => ({ text: "mine" }),
    broken: () => {
      throw new Error("down");
    },
  },
  Course: { __resolveReference: () => course },
  Lesson: { __resolveReference: ({ id }: { id: string }) => lesson(id) },
  User: { __resolveReference: () => course.author },
  SearchHit: { __resolveType: (hit: { __typename: string }) => hit.__typename },
};

/** Every operation resolves every field it selects (no nulls, no empty lists): Apollo's per-field policy and the document's agree exactly. */
const operations: [name: string, query: string, variables?: Record<string, unknown>][] = [
  ["an object's hint", "{ course { id title } }"],
  ["the shortest of nested hints", "{ course { title lessons { title } } }"],
  ["an object type without a hint", "{ course { author { name } } }"],
  ["a PRIVATE scalar", "{ course { title } me { email } }"],
  ["a root scalar without a hint", "{ ping }"],
  ["a root scalar with one", "{ cachedPing }"],
  ["inherited through a connection", "{ courses { edges { node { id } } } }"],
  ["inherited by a type", "{ course { stats { views } } }"],
  ["a PRIVATE type", "{ privateNote { text } }"],
  ["a union's members through fragments", "{ search { ... on Course { title } ... on Lesson { title } } }"],
  ["named fragments", "query Q { ...Root } fragment Root on Query { course { ...C } } fragment C on Course { title lessons { id } }"],
  ["__typename alone", "{ __typename }"],
  ["an answer with an error", "{ broken { id } cachedPing }"],
  ["entities by representation", "query E($r: [_Any!]!) { _entities(representations: $r) { ... on Course { title } } }", { r: [{ __typename: "Course", id: "c1" }] }],
  [
    "entities of two types",
    "query E($r: [_Any!]!) { _entities(representations: $r) { ... on Course { title } ... on Lesson { title } } }",
    {
      r: [
        { __typename: "Course", id: "c1" },
        { __typename: "Lesson", id: "l1" },
      ],
    },
  ],
  ["an entity type without a hint", "query E($r: [_Any!]!) { _entities(representations: $r) { ... on User { name } } }", { r: [{ __typename: "User", id: "u1" }] }],
];

async function cacheControl(server: ApolloServer, query: string, variables?: Record<string, unknown>): Promise<string | undefined> {
  const response = await server.executeOperation({ query, variables });
  return response.http.headers.get("cache-control");
}

describe("cache policy from the document", () => {
  it("sets the Cache-Control Apollo's per-field plugin sets, for every kind of hint", async () => {
    const schema = buildSubgraphSchema([{ typeDefs, resolvers: resolvers as never }]);
    const apollo = new ApolloServer({ schema });
    const ours = new ApolloServer({ schema, plugins: [ApolloServerPluginCacheControlDisabled(), cachePolicyPlugin()] });
    await Promise.all([apollo.start(), ours.start()]);
    try {
      const seen = new Set<string | undefined>();
      for (const [name, query, variables] of operations) {
        const expected = await cacheControl(apollo, query, variables);
        assert.equal(await cacheControl(ours, query, variables), expected, name);
        seen.add(expected);
      }
      // The cases cover cacheable public and private answers, several ages, and uncacheable ones.
      assert.deepEqual(
        [...seen].sort(),
        ["max-age=120, public", "max-age=30, public", "max-age=300, public", "max-age=500, private", "max-age=60, public", "max-age=90, public", "no-store"].sort(),
      );
    } finally {
      await Promise.all([apollo.stop(), ours.stop()]);
    }
  });

  it("is never longer than Apollo's when a run skips fields: it counts every field the document selects", async () => {
    const schema = buildSubgraphSchema([{ typeDefs, resolvers: { ...resolvers, Query: { ...resolvers.Query, course: () => ({ ...course, lessons: [] }) } } as never }]);
    const ours = new ApolloServer({ schema, plugins: [ApolloServerPluginCacheControlDisabled(), cachePolicyPlugin()] });
    await ours.start();
    try {
      // No lesson resolves, so Apollo would say 300; the document selects Lesson (120).
      assert.equal(await cacheControl(ours, "{ course { title lessons { title } } }"), "max-age=120, public");
    } finally {
      await ours.stop();
    }
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ApolloServer, HeaderMap } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import type { GraphQLFieldResolver, GraphQLUnionType } from "graphql";
import { buildSchema } from "graphql";
import { formatError, observabilityPlugin, operationRecorder } from "../src/apollo";
import { cachePolicyPlugin } from "../src/cache-policy";
import { cacheTagsPlugin } from "../src/cache-tags";
import { rateLimitedRequest } from "../src/errors";
import { limitResolvedFields, limitRules } from "../src/limits";
import type { Logger } from "../src/logger";
import { createMetrics } from "../src/metrics";
import { queryRunner } from "../src/query-runner";

const MAX_RESOLVED_FIELDS = 8;

type TestContext = { readTags: Set<string>; log?: Logger };

const schema = buildSchema(`
  type Query { hello: String, fails: String, limited: String, items(n: Int!): [Int!]!, tagged: String, found: [Found!]! }
  type Course { id: ID! }
  type Lesson { id: ID! }
  union Found = Course | Lesson
  type Mutation { touch: Int }
`);
const resolvers: Record<string, GraphQLFieldResolver<unknown, { readTags: Set<string> }, { n: number }>> = {
  hello: () => "world",
  fails: () => {
    throw new Error("a bug's details");
  },
  limited: () => {
    throw rateLimitedRequest("too many", 3_000);
  },
  items: (_root, { n }) => Array.from({ length: n }, (_, index) => index),
  found: () => [{ id: "c1" }, { id: "l1", lesson: true }],
  tagged: (_root, _args, context) => {
    context.readTags.add("course:1");
    return "read";
  },
};
for (const [name, field] of Object.entries(schema.getQueryType()!.getFields())) field.resolve = resolvers[name] as GraphQLFieldResolver<unknown, unknown>;
// As type-graphql resolves a union's type: asynchronously.
(schema.getType("Found") as GraphQLUnionType).resolveType = async (value) => ((value as { lesson?: true }).lesson ? "Lesson" : "Course");

/** Apollo Server as a subgraph configures it, and the runner beside it, over one schema. */
function servers(compile = true) {
  const metrics = createMetrics("query-runner-test");
  const record = operationRecorder(metrics);
  const validationRules = limitRules({ maxDepth: 5, maxAliases: 3 });
  const format = formatError({ production: false });
  const apollo = new ApolloServer<TestContext>({
    schema,
    formatError: format,
    validationRules,
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      cachePolicyPlugin(),
      observabilityPlugin(metrics, record),
      limitResolvedFields(schema, MAX_RESOLVED_FIELDS),
      cacheTagsPlugin(),
    ],
  });
  const runner = queryRunner({ schema, validationRules, introspection: true, formatError: format, maxResolvedFields: MAX_RESOLVED_FIELDS, record, compile });
  return { apollo, runner, metrics };
}

async function viaApollo(apollo: ApolloServer<TestContext>, body: Record<string, unknown>) {
  const response = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: "POST", headers: new HeaderMap([["content-type", "application/json"]]), search: "", body },
    context: async () => ({ readTags: new Set<string>() }),
  });
  assert.equal(response.body.kind, "complete");
  return { status: response.status ?? 200, headers: Object.fromEntries(response.headers), body: response.body.kind === "complete" ? response.body.string : "" };
}

describe("the query runner", () => {
  for (const compile of [true, false])
    it(`answers valid queries exactly as Apollo Server does, ${compile ? "compiled" : "on graphql-js"}: data, field errors, status and headers from errors, cache headers, the resolved-field budget, variables and their defaults`, async () => {
      const { apollo, runner } = servers(compile);
      await apollo.start();
      try {
        const bodies = [
          { query: "{ hello }" },
          { query: "query Greeting { hello fails }", operationName: "Greeting" },
          { query: "{ hello limited }" },
          { query: "query Items($n: Int!) { items(n: $n) }", variables: { n: 3 } },
          { query: "query Items($n: Int! = 2) { items(n: $n) }" },
          { query: "query Items($n: Int!, $first: Boolean!) { items(n: $n) @include(if: $first) hello @skip(if: $first) }", variables: { n: 1, first: true } },
          { query: "{ items(n: 20) hello }" },
          { query: "{ tagged }", extensions: {} },
          { query: "query A { hello } query B { tagged }", operationName: "B" },
          { query: "{ found { __typename ... on Course { id } ... on Lesson { id } } }" },
        ];
        for (const body of bodies) {
          const prepared = runner.prepare(body, "application/json");
          assert.ok(prepared, `the runner takes ${JSON.stringify(body)}`);
          const ours = await runner.run(prepared, { readTags: new Set<string>() });
          assert.ok(ours, `an answer to ${JSON.stringify(body)}`);
          // graphql-jit refuses a non-null variable left to its default and awaits no union's type: graphql-js runs those.
          const compilable = compile && !body.query.includes("Int! =") && !body.query.includes("found");
          assert.equal(!!prepared.known.compiled, compilable, `${JSON.stringify(body)} ran ${compilable ? "compiled" : "on graphql-js"}`);
          const theirs = await viaApollo(apollo, body);
          assert.equal(ours.body, theirs.body, JSON.stringify(body));
          assert.equal(ours.status, theirs.status, JSON.stringify(body));
          assert.deepEqual(Object.fromEntries(ours.headers), theirs.headers, JSON.stringify(body));
        }
      } finally {
        await apollo.stop();
      }
    });

  it("proves the cases worth proving: a coded refusal's status reaches the answer, a bug's details do not", async () => {
    const { runner } = servers();
    const limited = await runner.run(runner.prepare({ query: "{ limited }" }, undefined)!, { readTags: new Set() });
    assert.equal(limited?.status, 429);
    assert.ok(limited.headers.some(([name, value]) => name === "retry-after" && value === "3"));
    const failed = await runner.run(runner.prepare({ query: "{ fails }" }, undefined)!, { readTags: new Set() });
    assert.equal(failed?.status, 200);
    assert.doesNotMatch(failed.body, /a bug's details/);
    assert.match(failed.body, /"code":"INTERNAL_SERVER_ERROR"/);
  });

  it("leaves to Apollo what it has not validated, mutations, other media types, request extensions and variables that do not fit", async () => {
    const { runner } = servers();
    assert.equal(runner.prepare({ query: "{ nope }" }, undefined), undefined, "an invalid document");
    assert.equal(runner.prepare({ query: "{ hello" }, undefined), undefined, "a document that does not parse");
    assert.equal(runner.prepare({ query: "mutation { touch }" }, undefined), undefined, "a mutation");
    assert.equal(runner.prepare({ query: "{ hello }" }, "application/graphql-response+json"), undefined, "another media type");
    assert.equal(runner.prepare({ query: "{ hello }", extensions: { persistedQuery: { version: 1 } } }, undefined), undefined, "extensions");
    assert.equal(runner.prepare({ query: "query A { hello }", operationName: "B" }, undefined), undefined, "an operation it does not hold");
    assert.equal(runner.prepare({ query: "{ hello }", variables: "{}" }, undefined), undefined, "variables as a string");
    assert.equal(runner.prepare([{ query: "{ hello }" }], undefined), undefined, "a batch");
    const mismatched = runner.prepare({ query: "query Items($n: Int!) { items(n: $n) }", variables: { n: "three" } }, undefined);
    assert.ok(mismatched);
    assert.equal(await runner.run(mismatched, { readTags: new Set() }), undefined, "nothing ran: Apollo answers it from the start");
  });
});

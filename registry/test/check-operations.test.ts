import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { CheckReport } from "../src/api-types";
import { documentHash } from "../src/manifest";
import type { TestRegistry } from "./support";
import { serviceCaller, startTestRegistry } from "./support";

const SDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@tag"])
type Query { users(filter: UserFilter, role: Role, limit: Int): [User!]! node(id: ID!): Node search: [SearchResult!]! }
type Mutation { createUser(input: CreateUserInput!): User }
input UserFilter { name: String nickname: String }
input CreateUserInput { name: String nickname: String }
enum Role { ADMIN MEMBER GUEST }
interface Node { id: ID! }
union SearchResult = User | Admin
type Admin implements Node { id: ID! level: Int }
type User implements Node @key(fields: "id") { id: ID! name: String age: Int }`;

const OPERATIONS = {
  VarsFilter: "query VarsFilter($f: UserFilter) { users(filter: $f) { id } }",
  VarsCreate: "mutation VarsCreate($i: CreateUserInput!) { createUser(input: $i) { id } }",
  VarsRole: "query VarsRole($r: Role) { users(role: $r) { id } }",
  Age: "query Age { users { age } }",
  AdminLevel: "query AdminLevel { search { ... on Admin { level } } }",
};

const replaced = (from: string, to: string) => {
  assert.ok(SDL.includes(from), from);
  return SDL.replace(from, to);
};

describe("checks: operations that pass inputs and enums through variables, duplicates, operations already invalid", () => {
  let t: TestRegistry;
  let call: ReturnType<typeof serviceCaller>;
  const check = async (sdl: string): Promise<CheckReport> => {
    const answer = await call("POST", "/subgraphs/a/checks", { sdl });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body as CheckReport;
  };
  const breaking = (report: CheckReport) =>
    report.changes.filter((change) => change.criticality === "BREAKING").map((change) => ({ path: change.path, affected: change.affected.map((op) => op.name) }));

  before(async () => {
    t = await startTestRegistry();
    call = serviceCaller(t.registry);
    assert.equal((await call("POST", "/subgraphs/a/versions", { sdl: SDL, url: "http://127.0.0.1:5010/graphql" })).status, 201);
    const manifest = Object.fromEntries(Object.values(OPERATIONS).map((body) => [documentHash(body), body]));
    assert.equal((await call("POST", "/operations", { client: { name: "web" }, manifest })).status, 200);
  });
  after(() => t.close());

  test("an input field removed, a required one added, an enum value removed, an input field's type changed: each fails naming the operation that sends the type in a variable", async () => {
    const cases: [string, string, string, string][] = [
      [replaced("input UserFilter { name: String nickname: String }", "input UserFilter { name: String }"), "UserFilter.nickname", "VarsFilter", "removed"],
      [
        replaced("input CreateUserInput { name: String nickname: String }", "input CreateUserInput { name: String nickname: String email: String! }"),
        "CreateUserInput.email",
        "VarsCreate",
        "required added",
      ],
      [replaced("enum Role { ADMIN MEMBER GUEST }", "enum Role { MEMBER GUEST }"), "Role.ADMIN", "VarsRole", "enum value removed"],
      [
        replaced("input UserFilter { name: String nickname: String }", "input UserFilter { name: String! nickname: String }"),
        "UserFilter.name",
        "VarsFilter",
        "made required",
      ],
      [
        replaced("input CreateUserInput { name: String nickname: String }", "input CreateUserInput { name: Int nickname: String }"),
        "CreateUserInput.name",
        "VarsCreate",
        "type changed",
      ],
    ];
    for (const [sdl, path, operation, what] of cases) {
      const report = await check(sdl);
      assert.equal(report.ok, false, what);
      assert.deepEqual(breaking(report), [{ path, affected: [operation] }], what);
      assert.deepEqual(report.warnings, [], what);
    }
  });

  test("an operation both trusted and seen in usage is one operation: counted once, named once, with the clients and sources of both", async () => {
    const body = OPERATIONS.Age;
    const today = new Date().toISOString().slice(0, 10);
    const usage = await call("POST", "/usage", {
      operations: [{ hash: documentHash(body), name: "Age", type: "query", body, coordinates: ["Query.users", "User.age"] }],
      counts: [{ hash: documentHash(body), day: today, clientName: "ios", clientVersion: "2.0", count: 3 }],
    });
    assert.equal(usage.status, 202, JSON.stringify(usage.body));
    const report = await check(replaced("age: Int", "age: String"));
    assert.equal(report.ok, false);
    assert.equal(report.checkedOperations, Object.keys(OPERATIONS).length);
    const [change] = report.changes.filter((candidate) => candidate.path === "User.age");
    assert.deepEqual(change.affected, [
      {
        hash: documentHash(body),
        name: "Age",
        clients: [
          { name: "web", version: null },
          { name: "ios", version: "2.0" },
        ],
        source: "trusted",
        sources: ["trusted", "usage"],
      },
    ]);
  });

  test("a union losing a member names the operations that spread on it (they fail validation)", async () => {
    const report = await check(replaced("union SearchResult = User | Admin", "union SearchResult = User"));
    assert.equal(report.ok, false);
    assert.deepEqual(
      report.failedOperations.map((operation) => operation.name),
      ["AdminLevel"],
    );
    const removal = report.changes.find((change) => change.type === "UNION_MEMBER_REMOVED")!;
    assert.deepEqual(
      removal.affected.map((operation) => operation.name),
      ["AdminLevel"],
    );
    assert.deepEqual(report.warnings, []);
  });

  test("an operation already invalid against the current API is a warning, not a failure; ingest takes executable definitions only", async () => {
    const broken = "query Broken { doesNotExist }";
    assert.equal((await call("POST", "/operations", { client: { name: "old" }, manifest: { [documentHash(broken)]: broken } })).status, 200);
    const report = await check(replaced("age: Int", "age: Int\n  extra: String"));
    assert.equal(report.ok, true, JSON.stringify(report));
    assert.deepEqual(report.failedOperations, []);
    assert.equal(report.warnings.length, 1);
    assert.match(report.warnings[0], /operation Broken .* does not validate against the current API schema/);

    const counts = await t.counts();
    for (const body of ["type Foo { a: Int }", "fragment F on User { id }", "query Q { users { id } } type Foo { a: Int }"]) {
      const usage = await call("POST", "/usage", { operations: [{ hash: documentHash(body), name: "x", type: "query", body, coordinates: [] }], counts: [] });
      assert.deepEqual([usage.status, usage.code], [400, "BAD_REQUEST"], body);
      const manifest = await call("POST", "/operations", { client: { name: "web" }, manifest: { [documentHash(body)]: body } });
      assert.deepEqual([manifest.status, manifest.code], [400, "INVALID_MANIFEST"], body);
    }
    assert.deepEqual(await t.counts(), counts);
  });
});

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { signServiceToken } from "@solo/kit";
import { LAUNCH_EVENT } from "../src/app";
import { RegistryError } from "../src/errors";
import { sha256 } from "../src/composition";
import type { TestRegistry } from "./support";
import { startTestRegistry } from "./support";

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])';
const accounts = (extra = "") => `${LINK}
type Query { me: Account }
type Account @key(fields: "id") {
  id: ID!
  name: String!${extra}
}
`;
const reviews = `${LINK}
type Query { reviews: [Review!]! }
type Review { id: ID! body: String! author: Account! }
type Account @key(fields: "id", resolvable: false) { id: ID! }
`;

async function refusal(work: Promise<unknown>): Promise<RegistryError> {
  try {
    await work;
  } catch (error) {
    assert.ok(error instanceof RegistryError, String(error));
    return error;
  }
  assert.fail("the request was accepted");
}

describe("publishing subgraphs", () => {
  let t: TestRegistry;
  before(async () => {
    t = await startTestRegistry();
  });
  after(() => t.close());

  test("a publish stores every field of the version and a launch; the same again is unchanged", async () => {
    const client = t.client();
    const before = Date.now();
    const first = await client.publish("accounts", { sdl: accounts(), url: "http://127.0.0.1:5001/graphql", author: "ana", commit: "abc123" });
    assert.equal(first.unchanged, undefined);
    const stored = await t.db.query("select * from registry.subgraph_versions where id = $1", [first.version.id]);
    const row = stored.rows[0];
    assert.deepEqual(
      { subgraph: row.subgraph, url: row.url, sdl: row.sdl, hash: row.hash, author: row.author, commit: row.commit },
      { subgraph: "accounts", url: "http://127.0.0.1:5001/graphql", sdl: accounts(), hash: sha256(accounts()), author: "ana", commit: "abc123" },
    );
    assert.ok(row.created_at.getTime() >= before - 1_000 && row.created_at.getTime() <= Date.now() + 1_000);
    const launch = await t.db.query("select * from registry.launches where id = $1", [first.launch.id]);
    assert.equal(launch.rows[0].trigger_version, first.version.id);
    assert.match(launch.rows[0].supergraph_sdl, /join__graph\(name: "accounts", url: "http:\/\/127.0.0.1:5001\/graphql"\)/);
    assert.match(launch.rows[0].api_sdl, /type Account \{\n {2}id: ID!\n {2}name: String!\n\}/);

    const again = await client.publish("accounts", { sdl: accounts(), url: "http://127.0.0.1:5001/graphql" });
    assert.deepEqual(again, { ...first, unchanged: true });

    // The first launch's announcement may still be on its way (after its commit): wait for the second's.
    const heard: Record<string, unknown>[] = [];
    await t.registry.events.subscribe(LAUNCH_EVENT, (event: Record<string, unknown>) => void heard.push(event));
    const second = await client.publish("reviews", { sdl: reviews, url: "http://127.0.0.1:5002/graphql" });
    for (const deadline = Date.now() + 10_000; !heard.some((event) => event.launchId === second.launch.id) && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.deepEqual(
      heard.find((event) => event.launchId === second.launch.id),
      { launchId: second.launch.id },
      `each launch is announced on the event bus (heard ${JSON.stringify(heard)})`,
    );
    assert.notEqual(second.launch.id, first.launch.id);
    assert.equal(second.version.author, "service:registry-client", "no author given: the caller is recorded");
    assert.deepEqual(
      (await client.subgraphs()).map(({ name, url, versionId }) => ({ name, url, versionId })),
      [
        { name: "accounts", url: "http://127.0.0.1:5001/graphql", versionId: first.version.id },
        { name: "reviews", url: "http://127.0.0.1:5002/graphql", versionId: second.version.id },
      ],
    );
  });

  test("a change that does not compose is refused with each error and where it is, and stores nothing", async () => {
    const counts = await t.counts();
    const clash = `${LINK}\ntype Query { other: Int }\ntype Account @key(fields: "id") {\n  id: ID!\n  name: Int!\n}\n`;
    const error = await refusal(t.client().publish("billing", { sdl: clash, url: "http://127.0.0.1:5003/graphql" }));
    assert.equal(error.status, 422);
    assert.equal(error.code, "COMPOSITION_FAILED");
    const errors = error.details!.errors as { code: string; message: string; locations: { subgraph: string; line: number; column: number }[] }[];
    const mismatch = errors.find((entry) => entry.code === "FIELD_TYPE_MISMATCH");
    assert.ok(mismatch, JSON.stringify(errors));
    assert.match(mismatch.message, /Account\.name/);
    assert.deepEqual(mismatch.locations.map((location) => location.subgraph).sort(), ["accounts", "billing"]);
    assert.deepEqual(
      mismatch.locations.find((location) => location.subgraph === "billing"),
      { subgraph: "billing", line: 5, column: 3 },
    );
    assert.deepEqual(await t.counts(), counts);
  });

  test("SDL that does not parse is INVALID_SDL with its location; bad names, URLs and text are BAD_REQUEST; nothing stored", async () => {
    const counts = await t.counts();
    const invalid = await refusal(t.client().publish("accounts", { sdl: "type Query {\n  me: \n}", url: "http://127.0.0.1:5001/graphql" }));
    assert.equal(invalid.code, "INVALID_SDL");
    assert.deepEqual(invalid.details, { locations: [{ line: 3, column: 1 }] });
    for (const [subgraph, request] of [
      ["Accounts", { sdl: accounts(), url: "http://x/graphql" }],
      ["accounts", { sdl: accounts(), url: "ftp://x/graphql" }],
      ["accounts", { sdl: accounts(), url: "http://x/graphql", author: "a\u0007b" }],
      ["accounts", { sdl: 5, url: "http://x/graphql" }],
      ["accounts", { sdl: "x".repeat(2 * 1024 * 1024 + 1), url: "http://x/graphql" }],
    ] as const) {
      const error = await refusal(t.client().publish(subgraph, request as never));
      assert.equal(error.code, "BAD_REQUEST", error.message);
      assert.equal(error.status, 400);
    }
    const notJson = await fetch(`${t.registry.url}/subgraphs/accounts/versions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${await signServiceToken("test")}` },
      body: "{",
    });
    assert.equal(notJson.status, 400);
    assert.equal(((await notJson.json()) as { error: { code: string } }).error.code, "BAD_REQUEST");
    assert.deepEqual(await t.counts(), counts);
  });

  test("the API schema has a strong ETag and answers 304 to If-None-Match", async () => {
    const client = t.client();
    const api = await client.apiSchema();
    assert.equal(api.etag, `"${sha256(api.sdl)}"`);
    assert.match(api.sdl, /type Review/);
    assert.deepEqual(await client.conditionalApiSchema({ ifNoneMatch: api.etag }), { modified: false, etag: api.etag });
    const stale = await client.conditionalApiSchema({ ifNoneMatch: '"0000"' });
    assert.equal(stale.modified, true);
    const launches = await client.launches();
    const oldest = launches.at(-1)!;
    const old = await client.apiSchema({ version: oldest.id });
    assert.doesNotMatch(old.sdl, /Review/);
    assert.equal((await refusal(client.apiSchema({ version: "00000000-0000-4000-8000-000000000000" }))).code, "UNKNOWN_VERSION");
    const supergraph = await client.supergraph();
    assert.match(supergraph.sdl, /@join__graph/);
  });

  test("versions newest first, the changelog classes each change with its date, diff between launches", async () => {
    const client = t.client();
    const added = await client.publish("accounts", { sdl: accounts("\n  email: String"), url: "http://127.0.0.1:5001/graphql" });
    const removed = await client.publish("accounts", { sdl: accounts(), url: "http://127.0.0.1:5001/graphql" });
    const history = await client.history("accounts");
    assert.deepEqual(
      history.slice(0, 2).map((version) => version.id),
      [removed.version.id, added.version.id],
    );
    assert.equal((await client.subgraphVersion("accounts", added.version.id)).sdl, accounts("\n  email: String"));
    assert.equal((await refusal(client.history("nobody"))).code, "UNKNOWN_SUBGRAPH");

    const launches = await client.launches();
    assert.deepEqual(
      launches.slice(0, 2).map((launch) => launch.id),
      [removed.launch.id, added.launch.id],
    );
    assert.deepEqual(launches[0].trigger, { subgraph: "accounts", versionId: removed.version.id });

    const changelog = await client.changelog();
    assert.deepEqual(
      changelog.slice(0, 2).map((entry) => ({ launchId: entry.launchId, changes: entry.changes.map(({ criticality, path }) => ({ criticality, path })) })),
      [
        { launchId: removed.launch.id, changes: [{ criticality: "BREAKING", path: "Account.email" }] },
        { launchId: added.launch.id, changes: [{ criticality: "SAFE", path: "Account.email" }] },
      ],
    );
    assert.equal(changelog[0].createdAt, launches[0].createdAt);
    // The unchanged publish made no launch; the reviews launch added types.
    assert.ok(changelog.some((entry) => entry.changes.some((change) => change.path === "Review")));
    const diff = await client.diff(launches.at(-1)!.id, removed.launch.id);
    assert.ok(
      diff.changes.some((change) => change.criticality === "SAFE" && change.path === "Query.reviews"),
      JSON.stringify(diff),
    );
    assert.equal((await refusal(client.diff("nope", removed.launch.id))).code, "UNKNOWN_VERSION");
  });
});

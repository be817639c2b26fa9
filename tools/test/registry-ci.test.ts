import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createTestDatabase } from "@solo/kit/dist/src/testing";
import { buildSubgraphSdls } from "../src/composition";
import { baselineSubgraphs, registryCiCheck } from "../src/registry-ci";
import type { SubgraphToPublish } from "../src/registry-publish";

/**
 * CI's registry check (`npm run registry:ci`), its core on real registries: the tree as it is
 * passes; a subgraph that drops a field a contract operation selects fails, naming the operation.
 */
describe("the registry check CI runs", () => {
  const databases: Awaited<ReturnType<typeof createTestDatabase>>[] = [];
  let baseline: SubgraphToPublish[];
  let proposed: { name: string; sdl: string }[];

  before(async () => {
    baseline = (await baselineSubgraphs()).subgraphs;
    proposed = (await buildSubgraphSdls()).map(({ entry, sdl }) => ({ name: entry.name, sdl }));
  });
  after(async () => {
    for (const database of databases) await database.drop();
  });

  async function check(subgraphs: { name: string; sdl: string }[]) {
    const database = await createTestDatabase("registry_ci");
    databases.push(database);
    return registryCiCheck({ databaseUrl: database.url, baseline, proposed: subgraphs });
  }

  it("takes main's checked-in schema as its baseline, every subgraph of rover.yaml at its routing URL", () => {
    assert.deepEqual(
      baseline.map((subgraph) => subgraph.name),
      proposed.map((subgraph) => subgraph.name),
    );
    for (const subgraph of baseline) assert.match(subgraph.url, /^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
  });

  it("passes the working tree as it is, every contract operation checked", { timeout: 180_000 }, async () => {
    const result = await check(proposed);
    assert.equal(result.ok, true, result.checks.map((entry) => entry.output).join("\n\n"));
    assert.deepEqual(
      result.checks.map((entry) => [entry.subgraph, entry.exitCode]),
      proposed.map((subgraph) => [subgraph.name, 0]),
    );
    assert.ok(result.operations >= 71, `${result.operations} trusted documents`);
    for (const entry of result.checks) assert.match(entry.output, new RegExp(`^check ${entry.subgraph}: passed, .* ${result.operations} operations checked`));
  });

  it("fails when a subgraph drops a field a contract operation uses, naming the operations", { timeout: 180_000 }, async () => {
    const users = proposed.find((subgraph) => subgraph.name === "users")!;
    const withoutTimezone = users.sdl.replace(/^ {2}timezone: String .*\n/m, "");
    assert.notEqual(withoutTimezone, users.sdl, "the users SDL has User.timezone");
    const result = await check(proposed.map((subgraph) => (subgraph === users ? { ...users, sdl: withoutTimezone } : subgraph)));
    assert.equal(result.ok, false);
    const failed = result.checks.filter((entry) => entry.exitCode !== 0);
    assert.deepEqual(
      failed.map((entry) => entry.subgraph),
      ["users"],
    );
    assert.match(failed[0].output, /^check users: FAILED/);
    assert.match(failed[0].output, /BREAKING .*timezone/);
    assert.match(failed[0].output, /used by Me [0-9a-f]{12} \(trusted document; solo-web\)/);
  });

  it("fails when a subgraph of main's is taken out of rover.yaml, naming it", { timeout: 180_000 }, async () => {
    const gone = proposed[proposed.length - 1].name;
    const result = await check(proposed.filter((subgraph) => subgraph.name !== gone));
    assert.equal(result.ok, false);
    assert.deepEqual(result.removed, [gone]);
    assert.deepEqual(
      result.checks.filter((entry) => entry.exitCode !== 0),
      [],
      "the subgraphs still there pass",
    );
  });
});

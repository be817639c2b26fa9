import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { TestRegistry } from "./support";
import { serviceCaller, startTestRegistry } from "./support";

describe("concurrent publishes", () => {
  let t: TestRegistry;
  let call: ReturnType<typeof serviceCaller>;
  before(async () => {
    t = await startTestRegistry();
    call = serviceCaller(t.registry);
  });
  after(() => t.close());

  test("publishes of different subgraphs at once: each launch composes every one before it", async () => {
    const names = Array.from({ length: 8 }, (_, index) => `s${index}`);
    const answers = await Promise.all(
      names.map((name, index) => call("POST", `/subgraphs/${name}/versions`, { sdl: `type Query { f${index}: Int }`, url: `http://127.0.0.1:5010/${name}` })),
    );
    assert.deepEqual(
      answers.map((answer) => answer.status),
      names.map(() => 201),
    );
    const { rows } = await t.db.query<{ members: number }>(
      "select count(m.*)::int as members from registry.launches l join registry.launch_subgraphs m on m.launch_id = l.id group by l.seq order by l.seq",
    );
    assert.deepEqual(
      rows.map((row) => row.members),
      names.map((_, index) => index + 1),
    );
  });

  test("times follow launch order: the newest version in history is the current one, /schema/versions is newest first by time too", async () => {
    for (let round = 0; round < 5; round++) {
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, index) => call("POST", "/subgraphs/a/versions", { sdl: `type Query { r${round}v${index}: Int }`, url: "http://127.0.0.1:5010/a" })),
      );
      assert.ok(answers.every((answer) => answer.status === 201));
      const current = (await call("GET", "/subgraphs")).body.subgraphs.find((subgraph: { name: string }) => subgraph.name === "a").versionId;
      const newest = (await call("GET", "/subgraphs/a/versions")).body.versions[0].id;
      assert.equal(newest, current, `round ${round}`);
    }
    const inversions = await t.db.query<{ n: number }>(
      "select count(*)::int as n from registry.launches a join registry.launches b on a.seq < b.seq where a.created_at > b.created_at",
    );
    assert.equal(inversions.rows[0].n, 0);
    const versionInversions = await t.db.query<{ n: number }>(
      `select count(*)::int as n from registry.launches a join registry.launches b on a.seq < b.seq
         join registry.subgraph_versions va on va.id = a.trigger_version join registry.subgraph_versions vb on vb.id = b.trigger_version
        where va.created_at > vb.created_at`,
    );
    assert.equal(versionInversions.rows[0].n, 0);
    const dates = ((await call("GET", "/schema/versions")).body.versions as { createdAt: string }[]).map((version) => version.createdAt);
    assert.deepEqual(dates, [...dates].sort().reverse());
  });

  test("the same publish at once stores one version and answers the others unchanged", async () => {
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => call("POST", "/subgraphs/dup/versions", { sdl: "type Query { dup: Int }", url: "http://127.0.0.1:5010/dup" })),
    );
    assert.deepEqual(answers.map((answer) => answer.status).sort(), [200, 200, 200, 201]);
    assert.equal((await call("GET", "/subgraphs/dup/versions")).body.versions.length, 1);
  });
});

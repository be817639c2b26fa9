import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { TestRegistry } from "./support";
import { serviceCaller, startTestRegistry } from "./support";

const LAUNCHES = 25;

describe("version lists and changelogs do not read every launch's SDL", () => {
  let t: TestRegistry;
  let call: ReturnType<typeof serviceCaller>;
  /** Rows the registry's pool returned while `work` ran (the pool is the registry's own; the queries pass through untouched). */
  let rowsDuring: (work: () => Promise<unknown>) => Promise<Record<string, unknown>[]>;
  before(async () => {
    t = await startTestRegistry();
    call = serviceCaller(t.registry);
    for (let index = 0; index < LAUNCHES; index++) {
      const fields = Array.from({ length: index + 1 }, (_, field) => `f${field}: Int`).join(" ");
      assert.equal((await call("POST", "/subgraphs/a/versions", { sdl: `type Query { ${fields} }`, url: "http://127.0.0.1:5010/a" })).status, 201);
    }
    const pool = t.registry.pool;
    const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;
    let seen: Record<string, unknown>[] | null = null;
    (pool as unknown as { query: typeof query }).query = async (...args) => {
      const result = await query(...args);
      seen?.push(...(result?.rows ?? []));
      return result;
    };
    rowsDuring = async (work) => {
      seen = [];
      try {
        await work();
        return seen;
      } finally {
        seen = null;
      }
    };
  });
  after(() => t.close());

  test("/schema/versions reads summaries; a changelog of one entry reads a page of launches, not all of them", async () => {
    const versionRows = await rowsDuring(async () => assert.equal((await call("GET", "/schema/versions")).body.versions.length, LAUNCHES));
    assert.equal(versionRows.filter((row) => "api_sdl" in row || "supergraph_sdl" in row).length, 0);
    const changelogRows = await rowsDuring(async () => {
      const changelog = await call("GET", "/schema/changelog?limit=1");
      assert.deepEqual(
        changelog.body.entries[0].changes.map((change: { path: string }) => change.path),
        [`Query.f${LAUNCHES - 1}`],
      );
    });
    const withSdl = changelogRows.filter((row) => "api_sdl" in row).length;
    assert.ok(withSdl > 0 && withSdl <= 11, `${withSdl} launches read with their SDL`);
    // The whole changelog still has every change.
    assert.equal((await call("GET", "/schema/changelog?limit=500")).body.entries.length, LAUNCHES - 1);
  });
});

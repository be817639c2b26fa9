import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { documentHash } from "../src/manifest";
import type { TestRegistry } from "./support";
import { serviceCaller, startTestRegistry } from "./support";

const SDL = "type Query { a: Int }";
const dayOffset = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe("routing URLs, usage days and counts, paths, diffs and caching headers", () => {
  let t: TestRegistry;
  let call: ReturnType<typeof serviceCaller>;
  before(async () => {
    t = await startTestRegistry();
    call = serviceCaller(t.registry);
  });
  after(() => t.close());

  test("a routing URL with control characters or a user name is BAD_REQUEST; the URL stored is the parsed one", async () => {
    const counts = await t.counts();
    for (const url of [
      "http://user:secret@127.0.0.1:5010/graphql",
      "http://user@127.0.0.1:5010/graphql",
      "http://127.0.0.1:5010/graphql\n",
      "http://127.0.0.1:5010/gr\taph",
      "http://127.0.0.1:5010/gr\u0001aph",
    ]) {
      const answer = await call("POST", "/subgraphs/a/versions", { sdl: SDL, url });
      assert.deepEqual([answer.status, answer.code], [400, "BAD_REQUEST"], JSON.stringify(url));
    }
    assert.deepEqual(await t.counts(), counts);
    const published = await call("POST", "/subgraphs/a/versions", { sdl: SDL, url: "HTTP://Example.TEST:80/a/../graphql" });
    assert.equal(published.status, 201);
    assert.equal(published.body.version.url, "http://example.test/graphql");
    // The same URL written the other way is no change.
    assert.equal((await call("POST", "/subgraphs/a/versions", { sdl: SDL, url: "http://example.test/graphql" })).status, 200);
  });

  test("usage days outside today-400..tomorrow are BAD_REQUEST; counts saturate instead of overflowing", async () => {
    const body = "query A { a }";
    const hash = documentHash(body);
    const report = (day: string, count: number) => ({
      operations: [{ hash, name: "A", type: "query", body, coordinates: ["Query.a"] }],
      counts: [{ hash, day, clientName: "web", clientVersion: "1", count }],
    });
    for (const day of ["9999-12-31", dayOffset(2), dayOffset(-401), "1970-01-01"]) {
      const answer = await call("POST", "/usage", report(day, 1));
      assert.deepEqual([answer.status, answer.code], [400, "BAD_REQUEST"], day);
    }
    for (const day of [dayOffset(1), dayOffset(-399)]) assert.equal((await call("POST", "/usage", report(day, 1))).status, 202, day);
    const today = dayOffset(0);
    assert.equal((await call("POST", "/usage", report(today, 1))).status, 202);
    await t.db.query("update registry.usage_counts set count = 9223372036854775000 where hash = $1 and day = $2", [hash, today]);
    const answer = await call("POST", "/usage", { ...report(today, 1e12), counts: [report(today, 1e12).counts[0], report(today, 1e12).counts[0]] });
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    const { rows } = await t.db.query<{ count: string }>("select count::text from registry.usage_counts where hash = $1 and day = $2", [hash, today]);
    assert.equal(rows[0].count, "9223372036854775807");
  });

  test("malformed percent-encoding in a path and a diff without from or to are BAD_REQUEST", async () => {
    for (const path of ["/subgraphs/%E0%A4%A/versions", "/operations/%ZZ", "/usage/coordinates/%"]) {
      const answer = await call("GET", path);
      assert.deepEqual([answer.status, answer.code], [400, "BAD_REQUEST"], path);
      assert.match(answer.body.error.message, /percent-encoding/);
    }
    const launch = (await call("GET", "/schema/versions")).body.versions[0].id as string;
    for (const query of ["", "?from=&to=", `?from=${launch}`, `?to=${launch}`]) {
      const answer = await call("GET", `/schema/diff${query}`);
      assert.deepEqual([answer.status, answer.code], [400, "BAD_REQUEST"], query);
    }
    assert.equal((await call("GET", `/schema/diff?from=${launch}&to=${launch}`)).status, 200);
  });

  test("answers that depend on the key say so: Vary: x-api-key, authorization and Cache-Control: private", async () => {
    for (const path of ["/schema/api.graphql", "/subgraphs", "/schema/changelog"]) {
      const answer = await call("GET", path);
      assert.equal(answer.status, 200);
      const vary = (answer.headers.get("vary") ?? "").toLowerCase().split(/\s*,\s*/);
      assert.ok(vary.includes("x-api-key") && vary.includes("authorization"), `${path}: ${vary.join(",")}`);
      assert.match(answer.headers.get("cache-control") ?? "", /\bprivate\b/, path);
    }
  });
});

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import { projectRoot } from "@solo/kit";
import { documentHash } from "../src/manifest";
import type { TestRegistry } from "./support";
import { adminWithKeys, startTestRegistry } from "./support";

const run = promisify(execFile);

const PRODUCTS = (extra = "") => `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@tag"])

type Query {
  products: [Product!]!
}

type Product @key(fields: "id") {
  id: ID!
  name: String!
  supplierNote: String @tag(name: "internal")${extra}
}
`;

/** The curl lines of the README's "Partners: fetch and follow", as a partner would paste them. */
function readmePartnerCurls(): string[] {
  const readme = fs.readFileSync(path.join(projectRoot(), "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("### Partners: fetch and follow"));
  // The block of reads (the one before it makes the key).
  const block = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].find((match) => match[1].startsWith('curl -H "x-api-key: $KEY"'));
  assert.ok(block, "the README's partner section has a sh block of curl reads with $KEY");
  return block[1].split("\n").filter((line) => line.startsWith("curl "));
}

/**
 * The README's partner commands, run with curl as written (only the registry's address changed)
 * with a registry:read key an ADMIN created through the users subgraph: the schema with its ETag,
 * 304 on If-None-Match, the versions, the changelog, and the partner variant's schema and changelog.
 */
describe("the README's partner curl commands", () => {
  let test: TestRegistry;
  let key: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "solo-readme-"));

  before(async () => {
    test = await startTestRegistry({ users: true });
    const service = test.client();
    await service.publish("products", { sdl: PRODUCTS(), url: "http://127.0.0.1:4901/graphql" });
    await service.publish("products", { sdl: PRODUCTS("\n  price: Int"), url: "http://127.0.0.1:4901/graphql" });
    await service.putVariant("partner", { exclude: ["internal"] });
    const admin = await adminWithKeys(test.users!, test.db);
    key = await admin.createKey({ scopes: ["registry:read"] });
  });
  after(async () => {
    await test?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function curl(line: string): Promise<string> {
    const command = line.replace(/#.*$/, "").split("http://127.0.0.1:4100").join(test.registry.url);
    const { stdout } = await run("sh", ["-c", command], { cwd: dir, env: { ...process.env, KEY: key } });
    return stdout;
  }

  it("answers each as the README says", async () => {
    const lines = readmePartnerCurls();
    assert.equal(lines.length, 6, lines.join("\n"));
    const [fetchApi, conditional, versions, changelog, variantApi, variantChangelog] = lines;
    const current = await test.client().apiSchema();

    await curl(fetchApi);
    const api = fs.readFileSync(path.join(dir, "api.graphql"), "utf8");
    assert.equal(api, current.sdl);
    assert.match(api, /price: Int/);
    const headers = fs.readFileSync(path.join(dir, "headers.txt"), "utf8");
    assert.match(headers, /^HTTP\/1\.1 200/);
    assert.match(headers, new RegExp(`^etag: "${documentHash(api)}"\\r$`, "im"));

    assert.equal((await curl(conditional)).trim(), "304");

    const launches = JSON.parse(await curl(versions)) as { versions: Record<string, unknown>[] };
    assert.equal(launches.versions.length, 2);
    for (const launch of launches.versions) assert.deepEqual(Object.keys(launch).sort(), ["apiHash", "createdAt", "id", "supergraphHash", "trigger"]);

    const log = JSON.parse(await curl(changelog)) as { entries: { launchId: string; createdAt: string; changes: { criticality: string; message: string }[] }[] };
    assert.equal(log.entries[0].launchId, launches.versions[0].id);
    assert.ok(!Number.isNaN(Date.parse(log.entries[0].createdAt)));
    assert.ok(
      log.entries[0].changes.some((change) => change.criticality === "SAFE" && /price/.test(change.message)),
      JSON.stringify(log.entries[0]),
    );
    for (const entry of log.entries) for (const change of entry.changes) assert.ok(["BREAKING", "DANGEROUS", "SAFE"].includes(change.criticality));

    const partnerApi = await curl(variantApi);
    assert.match(partnerApi, /price: Int/);
    assert.doesNotMatch(partnerApi, /supplierNote/, "the partner variant leaves out what is tagged internal");
    assert.match(api, /supplierNote/);

    const partnerLog = JSON.parse(await curl(variantChangelog)) as typeof log;
    assert.ok(partnerLog.entries[0].changes.some((change) => /price/.test(change.message)));
    assert.ok(!JSON.stringify(partnerLog).includes("supplierNote"));
  });

  it("refuses them without a key (401) and with a key that lacks registry:read (403)", async () => {
    const admin = await adminWithKeys(test.users!, test.db);
    const unscoped = await admin.createKey({ scopes: ["content:read"] });
    const url = `${test.registry.url}/schema/api.graphql`;
    assert.equal((await fetch(url)).status, 401);
    const forbidden = await fetch(url, { headers: { "x-api-key": unscoped } });
    assert.equal(forbidden.status, 403);
    assert.equal(((await forbidden.json()) as { error: { code: string } }).error.code, "FORBIDDEN");
  });
});

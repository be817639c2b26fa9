import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { createLogger, projectRoot } from "@solo/kit";
import { createTestDatabase } from "@solo/kit/dist/src/testing";
import { parseCommand } from "../src/cli-args";
import { COMMANDS } from "../src/cli-commands";
import { RegistryClient, documentHash, startRegistry } from "../src/registry";

const CLI = path.join(projectRoot(), "registry", "dist", "src", "cli.js");

const PRODUCTS = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@tag"])

type Query {
  products: [Product!]!
}

type Product @key(fields: "id") {
  id: ID!
  name: String!
  price: Int
  supplierNote: String @tag(name: "internal")
}
`;

const REVIEWS = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

type Review {
  id: ID!
  stars: Int!
}

type Product @key(fields: "id") {
  id: ID!
  reviews: [Review!]!
}
`;

const PRODUCTS_QUERY = "query Products {\n  products {\n    id\n    name\n  }\n}";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The CLI as a user runs it (the built bin, a process of its own) against a real registry on a
 * database of its own; no SOLO_REGISTRY_KEY, so it signs a platform service token as npm start does.
 */
describe("solo-registry, the CLI", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let registry: Awaited<ReturnType<typeof startRegistry>>;
  let client: RegistryClient;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "solo-cli-"));
  const file = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };

  function cli(args: string[], options: { stdin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
    const env: NodeJS.ProcessEnv = { ...process.env, REGISTRY_URL: registry.url, ...options.env };
    delete env.SOLO_REGISTRY_KEY;
    if (options.env?.SOLO_REGISTRY_KEY) env.SOLO_REGISTRY_KEY = options.env.SOLO_REGISTRY_KEY;
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.stdin.end(options.stdin ?? "");
    return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
  }

  before(async () => {
    database = await createTestDatabase("registry_cli");
    registry = await startRegistry(
      { port: 0, host: "127.0.0.1", databaseUrl: database.url, eventBusNamespace: `cli-test-${process.pid}`, minDelaySeconds: 5, checkUsageDays: 30 },
      createLogger("registry"),
    );
    client = new RegistryClient({ url: registry.url });
  });

  after(async () => {
    await registry?.close();
    await database?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("publishes subgraphs, says when nothing changed, and answers --json with the registry's body", async () => {
    const first = await cli(["publish", "products", "--schema", file("products.graphql", PRODUCTS), "--url", "http://127.0.0.1:5001/graphql", "--author", "ada"]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^published products version \S+ \(sha256 [0-9a-f]{12}\); supergraph \S+\n$/);
    // The schema from stdin, with --json: the registry's answer as it is.
    const reviews = await cli(["publish", "reviews", "--schema", "-", "--url", "http://127.0.0.1:5002/graphql", "--commit", "abc123", "--json"], { stdin: REVIEWS });
    assert.equal(reviews.code, 0, reviews.stderr);
    const published = JSON.parse(reviews.stdout);
    assert.equal(published.version.commit, "abc123");
    assert.equal(published.version.hash, documentHash(REVIEWS));
    assert.ok(published.launch.id);
    const again = await cli(["publish", "reviews", "--schema", file("reviews.graphql", REVIEWS), "--url", "http://127.0.0.1:5002/graphql"]);
    assert.equal(again.code, 0);
    assert.match(again.stdout, new RegExp(`^reviews unchanged: version ${published.version.id} is current`));
  });

  it("registers a client's trusted documents, and refuses a manifest whose id is not its body's hash", async () => {
    const manifest = {
      format: "apollo-persisted-query-manifest",
      version: 1,
      operations: [{ id: documentHash(PRODUCTS_QUERY), name: "Products", type: "query", body: PRODUCTS_QUERY }],
    };
    const stored = await cli(["operations", "publish", file("manifest.json", JSON.stringify(manifest)), "--client", "shop-web", "--client-version", "1.2.0"]);
    assert.equal(stored.code, 0, stored.stderr);
    assert.equal(stored.stdout, "shop-web@1.2.0: 1 operation(s) stored, 0 already known\n");
    const json = await cli(["operations", "publish", path.join(dir, "manifest.json"), "--client", "shop-web", "--client-version", "1.2.0", "--json"]);
    assert.deepEqual(JSON.parse(json.stdout), { stored: 0, unchanged: 1 });

    const tampered = { ...manifest, operations: [{ ...manifest.operations[0], id: "0".repeat(64) }] };
    const refused = await cli(["operations", "publish", file("tampered.json", JSON.stringify(tampered)), "--client", "shop-web"]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^error MANIFEST_HASH_MISMATCH: /);
    assert.match(refused.stderr, /Products 000000000000/);
    const notJson = await cli(["operations", "publish", file("broken.json", "{"), "--client", "shop-web", "--json"]);
    assert.equal(notJson.code, 1);
    assert.equal(JSON.parse(notJson.stderr).error.code, "INVALID_MANIFEST");
  });

  it("check: fails (exit 1) when a removed field is used, naming the operation and its client", async () => {
    const withoutName = PRODUCTS.replace("  name: String!\n", "");
    const failed = await cli(["check", "products", "--schema", file("no-name.graphql", withoutName)]);
    assert.equal(failed.code, 1, failed.stdout + failed.stderr);
    assert.match(failed.stdout, /^check products: FAILED, /);
    assert.match(failed.stdout, /BREAKING .*name/);
    assert.match(failed.stdout, /used by Products [0-9a-f]{12} \(trusted document; shop-web@1\.2\.0\)/);
    const json = await cli(["check", "products", "--schema", path.join(dir, "no-name.graphql"), "--json"]);
    assert.equal(json.code, 1);
    const report = JSON.parse(json.stdout);
    assert.equal(report.ok, false);
    assert.ok(report.changes.some((change: any) => change.criticality === "BREAKING" && change.affected.some((op: any) => op.name === "Products")));
  });

  it("check: passes with a warning when the removed field is unused, and passes an added field", async () => {
    const withoutPrice = await cli(["check", "products", "--schema", file("no-price.graphql", PRODUCTS.replace("  price: Int\n", ""))]);
    assert.equal(withoutPrice.code, 0, withoutPrice.stdout + withoutPrice.stderr);
    assert.match(withoutPrice.stdout, /^check products: passed, 1 change \(1 breaking, 0 dangerous\)/);
    assert.match(withoutPrice.stdout, /warnings:\n {2}.*price/);
    const added = await cli(["check", "products", "--schema", file("added.graphql", PRODUCTS.replace("  price: Int\n", "  price: Int\n  weight: Float\n")), "--json"]);
    assert.equal(added.code, 0);
    const report = JSON.parse(added.stdout);
    assert.equal(report.ok, true);
    assert.deepEqual(
      report.changes.map((change: any) => change.criticality),
      ["SAFE"],
    );
  });

  it("refuses SDL that does not parse (INVALID_SDL, with the file's line and column) and a subgraph never published", async () => {
    const bad = await cli(["check", "products", "--schema", file("bad.graphql", "type Query {\n  products: [Product!\n}\n")]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^error INVALID_SDL: /);
    assert.match(bad.stderr, new RegExp(`at ${path.join(dir, "bad.graphql").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+:\\d+`));
    const badJson = await cli(["publish", "products", "--schema", path.join(dir, "bad.graphql"), "--url", "http://127.0.0.1:5001/graphql", "--json"]);
    assert.equal(badJson.code, 1);
    assert.equal(JSON.parse(badJson.stderr).error.code, "INVALID_SDL");
    assert.equal(badJson.stdout, "");
    const unknown = await cli(["check", "inventory", "--schema", path.join(dir, "products.graphql")]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^error UNKNOWN_SUBGRAPH: /);
    const missingFile = await cli(["check", "products", "--schema", path.join(dir, "nowhere.graphql")]);
    assert.equal(missingFile.code, 1);
    assert.match(missingFile.stderr, /^error FILE_UNREADABLE: cannot read .*nowhere\.graphql/);
  });

  it("fetches the API schema, the supergraph, a version and a variant's API", async () => {
    const api = await cli(["fetch"]);
    assert.equal(api.code, 0, api.stderr);
    assert.match(api.stdout, /type Product \{/);
    assert.match(api.stdout, /reviews: \[Review!\]!/);
    assert.doesNotMatch(api.stdout, /join__/);
    const supergraph = await cli(["fetch", "--supergraph"]);
    assert.match(supergraph.stdout, /join__graph/);
    const json = JSON.parse((await cli(["fetch", "--api", "--json"])).stdout);
    assert.equal(json.etag, `"${documentHash(json.sdl)}"`);

    const versions = JSON.parse((await cli(["versions", "--json"])).stdout).versions;
    assert.equal(versions.length, 2, "a launch per stored publish");
    const first = await cli(["fetch", "--version", versions[1].id]);
    assert.doesNotMatch(first.stdout, /reviews/, "the first launch had products only");

    await client.putVariant("partner", { exclude: ["internal"] });
    assert.equal((await cli(["variants"])).stdout, "  partner  include everything; exclude internal\n");
    const partner = await cli(["fetch", "--variant", "partner"]);
    assert.equal(partner.code, 0, partner.stderr);
    assert.doesNotMatch(partner.stdout, /supplierNote/);
    assert.match(api.stdout, /supplierNote/);
    const unknownVariant = await cli(["fetch", "--variant", "nobody"]);
    assert.equal(unknownVariant.code, 1);
    assert.match(unknownVariant.stderr, /^error UNKNOWN_VARIANT: /);
  });

  it("lists a subgraph's history and the supergraph's versions, and diffs two of them", async () => {
    await cli(["publish", "products", "--schema", path.join(dir, "added.graphql"), "--url", "http://127.0.0.1:5001/graphql"]);
    const history = await cli(["history", "products"]);
    assert.equal(history.code, 0, history.stderr);
    assert.match(history.stdout, /^products: 2 versions, newest first\n/);
    assert.match(history.stdout, /http:\/\/127\.0\.0\.1:5001\/graphql {2}by ada/);
    const historyJson = JSON.parse((await cli(["history", "products", "--json"])).stdout);
    assert.equal(historyJson.subgraph, "products");
    assert.equal(historyJson.versions.length, 2);

    const launches = JSON.parse((await cli(["versions", "--json"])).stdout).versions;
    const human = await cli(["versions"]);
    assert.match(human.stdout, new RegExp(`^3 supergraph versions, newest first\n {2}${launches[0].id} `));
    const diff = await cli(["diff", launches[1].id, launches[0].id]);
    assert.equal(diff.code, 0, diff.stderr);
    assert.match(diff.stdout, new RegExp(`^${launches[1].id} → ${launches[0].id}: 1 change \\(0 breaking, 0 dangerous\\)\n {2}SAFE .*weight`));
    const diffJson = JSON.parse((await cli(["diff", launches[1].id, launches[0].id, "--json"])).stdout);
    assert.equal(diffJson.changes[0].criticality, "SAFE");
    const unknown = await cli(["diff", "nope", launches[0].id]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^error (UNKNOWN_VERSION|BAD_REQUEST): /);

    const changelog = await cli(["changelog"]);
    assert.match(changelog.stdout, /SAFE .*weight/);
  });

  it("answers who uses a coordinate", async () => {
    const hash = documentHash(PRODUCTS_QUERY);
    const day = new Date().toISOString().slice(0, 10);
    await client.reportUsage({
      operations: [{ hash, name: "Products", type: "query", body: PRODUCTS_QUERY, coordinates: ["Product.id", "Product.name", "Query.products"] }],
      counts: [{ hash, day, clientName: "shop-ios", clientVersion: "3.1", count: 7 }],
    });
    const usage = await cli(["usage", "Product.name"]);
    assert.equal(usage.code, 0, usage.stderr);
    assert.match(usage.stdout, /^Product\.name: 1 operation, 7 requests in the last 30 days\n {2}Products [0-9a-f]{12} {2}7 {2}\(shop-ios@3\.1 7\)/);
    const json = JSON.parse((await cli(["usage", "Product.name", "--days", "7", "--json"])).stdout);
    assert.equal(json.days, 7);
    assert.equal(json.operations[0].count, 7);
    const nobody = JSON.parse((await cli(["usage", "Product.price", "--json"])).stdout);
    assert.deepEqual(nobody.operations, []);
  });

  it("refuses a command line it cannot run with exit code 2 and says why", async () => {
    const cases: [string[], RegExp][] = [
      [[], /^usage: solo-registry <command>/],
      [["deploy"], /^error USAGE: unknown command "deploy" \(commands: publish, check, /],
      [["operations", "delete"], /^error USAGE: unknown command "operations delete"/],
      [["check", "products", "--schema", "x", "--force"], /^error USAGE: unknown option --force\nusage: solo-registry check <subgraph> --schema FILE/],
      [["check", "products"], /^error USAGE: missing --schema FILE/],
      [["check", "--schema", "x"], /^error USAGE: missing <subgraph>/],
      [["check", "products", "extra", "--schema", "x"], /^error USAGE: unexpected argument "extra"/],
      [["publish", "products", "--schema"], /^error USAGE: --schema needs a value/],
      [["fetch", "--api", "--supergraph"], /^error USAGE: --api and --supergraph exclude each other/],
      [["usage", "Product.name", "--days", "soon"], /^error USAGE: --days takes a positive whole number/],
    ];
    for (const [args, message] of cases) {
      const run = await cli(args);
      assert.equal(run.code, 2, args.join(" "));
      assert.match(run.stderr, message, args.join(" "));
      assert.equal(run.stdout, "", args.join(" "));
    }
    const json = await cli(["deploy", "--json"]);
    assert.deepEqual(JSON.parse(json.stderr).error.code, "USAGE");
    const help = await cli(["--help"]);
    assert.equal(help.code, 0);
    for (const command of ["publish", "check", "fetch", "history", "versions", "diff", "changelog", "variants", "operations publish", "usage"]) {
      assert.match(help.stdout, new RegExp(`\n {2}${command} `), command);
    }
    assert.match(help.stdout, /REGISTRY_URL/);
    assert.match(help.stdout, /SOLO_REGISTRY_KEY/);
    const commandHelp = await cli(["publish", "--help"]);
    assert.equal(commandHelp.code, 0);
    assert.match(commandHelp.stdout, /^usage: solo-registry publish <subgraph> --schema FILE --url URL \[--author NAME\] \[--commit SHA\] \[--json\]/);
  });

  it("reports a registry it cannot reach (exit 1, REGISTRY_UNREACHABLE) and a key it refuses", async () => {
    const down = await cli(["versions"], { env: { REGISTRY_URL: "http://127.0.0.1:9" } });
    assert.equal(down.code, 1);
    assert.match(down.stderr, /^error REGISTRY_UNREACHABLE: /);
    const badKey = await cli(["versions", "--json"], { env: { SOLO_REGISTRY_KEY: "solo_not-a-real-key" } });
    assert.equal(badKey.code, 1);
    assert.match(JSON.parse(badKey.stderr).error.code, /^(UNAUTHENTICATED|SERVICE_UNAVAILABLE)$/);
  });

  it("codes an error that comes before any HTTP call (no key, no platform secrets in production), with --json too", async () => {
    const env = { NODE_ENV: "production", JWT_PRIVATE_KEY: "", JWT_PUBLIC_KEY: "", INTERNAL_TOKEN_SECRET: "" };
    const json = await cli(["variants", "--json"], { env });
    assert.equal(json.code, 1, json.stderr);
    assert.equal(JSON.parse(json.stderr).error.code, "NO_CREDENTIALS");
    const human = await cli(["variants"], { env });
    assert.equal(human.code, 1);
    assert.match(human.stderr, /^error NO_CREDENTIALS: no API key \(SOLO_REGISTRY_KEY\)/);
  });

  it("accepts every command line the README shows", () => {
    const readme = fs.readFileSync(path.join(projectRoot(), "README.md"), "utf8");
    const examples = [...readme.matchAll(/^npm run -s registry -- (.+)$/gm)].map((match) =>
      match[1]
        .replace(/\s+#.*$/, "") // a comment
        .replace(/"\$\([^)]*\)"|<[^>]+>/g, "X") // a substitution or a placeholder
        .replace(/\s*\|.*$/, "") // a pipe into another command
        .replace(/\s*>.*$/, "") // a redirection
        .trim()
        .split(/\s+/),
    );
    assert.ok(examples.length >= 10, `${examples.length} examples`);
    const shown = new Set<string>();
    for (const args of examples) {
      if (args[0] === "--help") continue;
      const words = args[0] === "operations" ? 2 : 1;
      const command = COMMANDS.find((candidate) => candidate.name === args.slice(0, words).join(" "));
      assert.ok(command, args.join(" "));
      assert.doesNotThrow(() => parseCommand(args.slice(words), command.positionals, command.options), args.join(" "));
      shown.add(command.name);
    }
    assert.deepEqual([...shown].sort(), COMMANDS.map((command) => command.name).sort(), "the README shows every command");
  });
});

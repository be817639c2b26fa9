import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { execFile, execFileSync, spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { freePort, projectRoot, readSubgraphs } from "@solo/kit";
import { createTestDatabase } from "@solo/kit/dist/src/testing";
import YAML from "yaml";
import { buildSchema } from "graphql";
import { freePlatformPortOffset } from "../src/processes";
import { scaffoldSubgraph } from "../src/new-subgraph";
import { undescribed } from "../src/schema-descriptions";
import { killPlatform, postGraphQL } from "./platform";

const root = projectRoot();
const run = promisify(execFile);
/** The files outside its own folder a new subgraph needs: each lists the subgraphs (or their scopes). */
const SCAFFOLD_EDITS = ["docker-compose.yml", "package-lock.json", "package.json", "rover.yaml", "tsconfig.json"];

/**
 * The repository as a developer has it, in a folder of its own: the files git knows (tracked, or
 * new and not ignored), the built dist folders (so the build after the scaffold is incremental),
 * and node_modules as links to this one's packages, the workspaces' own links pointing into the copy.
 */
function copyRepository(): string {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), "solo-scaffold-"));
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8" }).split("\0").filter(Boolean);
  for (const file of files) {
    if (fs.existsSync(path.join(root, file))) fs.cpSync(path.join(root, file), path.join(copy, file));
  }
  const workspaces: string[] = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).workspaces;
  for (const workspace of workspaces) {
    const dist = path.join(root, workspace, "dist");
    if (fs.existsSync(dist)) fs.cpSync(dist, path.join(copy, workspace, "dist"), { recursive: true });
    // Packages npm could not hoist live in the workspace's own node_modules.
    const own = path.join(root, workspace, "node_modules");
    if (fs.existsSync(own)) fs.symlinkSync(own, path.join(copy, workspace, "node_modules"));
  }
  fs.mkdirSync(path.join(copy, "node_modules", "@solo"), { recursive: true });
  // Not the hidden lock file: npm rewrites it, and it must not write through a link into this one.
  for (const entry of fs.readdirSync(path.join(root, "node_modules")).filter((name) => name !== "@solo" && name !== ".package-lock.json")) {
    fs.symlinkSync(path.join(root, "node_modules", entry), path.join(copy, "node_modules", entry));
  }
  for (const link of fs.readdirSync(path.join(root, "node_modules", "@solo"))) {
    fs.symlinkSync(fs.readlinkSync(path.join(root, "node_modules", "@solo", link)), path.join(copy, "node_modules", "@solo", link));
  }
  return copy;
}

/** Every file of a folder (node_modules and build output aside) with a hash of its content. */
function fingerprint(dir: string): Map<string, string> {
  const result = new Map<string, string>();
  const walk = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const file = path.join(relative, entry.name);
      if (entry.name === "node_modules" || entry.name === "dist" || entry.name === ".git") continue;
      if (entry.isDirectory()) walk(file);
      else if (entry.isFile())
        result.set(
          file,
          crypto
            .createHash("sha256")
            .update(fs.readFileSync(path.join(dir, file)))
            .digest("hex"),
        );
    }
  };
  walk("");
  return result;
}

describe("npm run subgraph:new", () => {
  it("refuses names that are malformed or taken, and writes nothing", () => {
    const touched = () =>
      [...SCAFFOLD_EDITS, "subgraphs"].map((file) =>
        file === "subgraphs" ? fs.readdirSync(path.join(root, file)).join() : fs.readFileSync(path.join(root, file), "utf8"),
      );
    const before = touched();
    for (const name of ["", "Notes", "1notes", "notes_app", "no tes", "-notes", "notes-", "no--tes", "users", "assessments", "kit", "gateway"]) {
      assert.throws(() => scaffoldSubgraph(name), /usage: npm run subgraph:new|already lists|exists already/, `"${name}" is refused`);
    }
    assert.deepEqual(touched(), before);
  });

  describe("in a copy of the repository", { skip: !fs.existsSync(path.join(root, ".git")) && "not a git checkout" }, () => {
    const name = "study-groups";
    let copy: string;
    let database: Awaited<ReturnType<typeof createTestDatabase>>;
    let platform: ChildProcess | undefined;
    let output = "";
    before(async () => {
      copy = copyRepository();
      database = await createTestDatabase("scaffold");
    });
    after(async () => {
      // A failed assertion must not leave a platform running.
      killPlatform(platform?.pid, output);
      await database.drop();
      fs.rmSync(copy, { recursive: true, force: true });
    });

    it("writes a subgraph that builds, composes, passes its own test and serves through the gateway under npm start", { timeout: 240_000 }, async () => {
      const before = fingerprint(copy);
      await run("npm", ["run", "subgraph:new", "--", name], { cwd: copy });

      // Its folder, and the few lines outside it that list subgraphs: nothing else changed.
      const after = fingerprint(copy);
      const changed = [...after.keys()].filter((file) => after.get(file) !== before.get(file)).sort();
      const outside = changed.filter((file) => !file.startsWith(`subgraphs/${name}/`));
      assert.deepEqual(outside, SCAFFOLD_EDITS);
      assert.deepEqual(
        [...before.keys()].filter((file) => !after.has(file)),
        [],
        "nothing removed",
      );
      const entry = readSubgraphs(copy).find((subgraph) => subgraph.name === name);
      assert.equal(entry?.port, Math.max(...readSubgraphs(root).map((subgraph) => subgraph.port)) + 1, "the next free port");

      // docker-compose runs it as it runs the others, and the gateway finds it there.
      const compose = YAML.parse(fs.readFileSync(path.join(copy, "docker-compose.yml"), "utf8"), { merge: true });
      assert.deepEqual(compose.services[name].command, ["node", "packages/kit/dist/src/serve.js", name]);
      assert.equal(compose.services[name].environment.PORT, String(entry.port));
      assert.ok(compose.services[name].healthcheck.test);
      assert.equal(compose.services.gateway.environment.SUBGRAPH_URL_STUDY_GROUPS, `http://${name}:${entry.port}/graphql`);
      assert.ok(compose.services.gateway.depends_on[name]);

      await run("npx", ["tsc", "-b"], { cwd: copy });
      // It passes the lint as written (type-checked ESLint, no warnings): the templates keep up with the rules.
      await run("npx", ["eslint", "--max-warnings", "0", `subgraphs/${name}`], { cwd: copy });
      await run(process.execPath, ["tools/dist/src/compose.js"], { cwd: copy });
      const supergraph = fs.readFileSync(path.join(copy, "schema", "supergraph.graphql"), "utf8");
      assert.match(
        supergraph,
        /addStudyGroupsItem\(\s*"""What the item is called \(not blank\)"""\s*title: String!\s*\): StudyGroupsItem! @join__field\(graph: STUDY_GROUPS\)/,
      );
      assert.ok(fs.existsSync(path.join(copy, "schema", `${name}.graphql`)));
      // The templates describe everything they add, as the API schema's description test asks.
      assert.deepEqual(undescribed(buildSchema(fs.readFileSync(path.join(copy, "schema", "api.graphql"), "utf8"))), []);

      // Its own test, through the test runner as `npm test -- study-groups` runs it (as a run of
      // its own, not a part of this one: without the variable by which Node's runner tells its files so).
      const testEnv: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: process.env.TEST_DATABASE_URL };
      delete testEnv.NODE_TEST_CONTEXT;
      const tests = await run(process.execPath, ["tools/dist/src/run-tests.js", name], { cwd: copy, env: testEnv });
      assert.match(tests.stdout, /ℹ pass 2\b/);
      assert.match(tests.stdout, /ℹ fail 0\b/);

      // npm start (its build is done) on a database of the test's own, at ports nobody uses.
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        DATABASE_URL: database.url,
        SOLO_DATA_DIR: path.join(copy, ".data"),
        PORT_OFFSET: String(await freePlatformPortOffset(copy)),
        EMBEDDED_S3_PORT: String(await freePort()),
        EMBEDDED_SMTP_PORT: String(await freePort()),
        EMBEDDED_INSTAGRAM_PORT: String(await freePort()),
        LOG_LEVEL: "warn",
      };
      for (const variable of ["S3_ENDPOINT", "SMTP_URL", "REDIS_URL", "NODE_ENV", "DEV_MAILBOX_PATH"]) delete env[variable];
      platform = spawn(process.execPath, ["tools/dist/src/start.js"], { cwd: copy, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
      platform.stdout!.on("data", (chunk) => (output += chunk));
      platform.stderr!.on("data", (chunk) => (output += chunk));
      const exited = new Promise<number | null>((resolve) => platform!.once("exit", resolve));
      const deadline = Date.now() + 120_000;
      while (!/SOLO supergraph ready: (\S+)/.test(output)) {
        if (platform.exitCode !== null) throw new Error(`npm start exited:\n${output}`);
        if (Date.now() > deadline) throw new Error(`npm start was not ready in time:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      assert.match(output, new RegExp(`${name} started \\(pid \\d+\\)`));
      const url = /SOLO supergraph ready: (\S+)/.exec(output)![1];
      const post = (query: string, variables: object, token?: string) => postGraphQL(url, query, variables, token);
      const input = { email: "scaffold@example.test", password: "long enough password", displayName: "Scaffold" };
      const registered = await post("mutation ($input: RegisterInput!) { register(input: $input) { accessToken } }", { input });
      assert.equal(registered.errors, undefined, JSON.stringify(registered.errors));
      const token = registered.data.register.accessToken;
      const added = await post("mutation ($title: String!) { addStudyGroupsItem(title: $title) { id title } }", { title: "Through the gateway" }, token);
      assert.equal(added.errors, undefined, JSON.stringify(added.errors));
      assert.deepEqual((await post("{ myStudyGroupsItems { title } }", {}, token)).data, { myStudyGroupsItems: [{ title: "Through the gateway" }] });
      assert.equal((await post("{ myStudyGroupsItems { title } }", {})).errors?.[0].extensions?.code, "UNAUTHENTICATED");

      process.kill(-platform.pid!, "SIGTERM");
      assert.equal(await exited, 0, output);
    });
  });
});

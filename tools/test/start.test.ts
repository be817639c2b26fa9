import "reflect-metadata";
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import type { CaughtMail } from "@solo/kit";
import { freePort, loadSubgraph, projectRoot, readSubgraphs } from "@solo/kit";
import { readClientManifest } from "../src/client-manifest";
import { REGISTRY_PORT, freePlatformPortOffset } from "../src/processes";
import { workerProcesses } from "../src/workers";
import { killPlatform, postGraphQL } from "./platform";

/** The escape that starts a terminal's color sequences, and those sequences. */
const ESC = "\u001b";
const COLORS = new RegExp(`${ESC}\\[[0-9;]*m`, "g");
/** What a line holds before a terminal is told to go back to its start and clear it. */
const ERASED = new RegExp(`[^\n]*${ESC}\\[1G${ESC}\\[0K`, "g");

/**
 * What a person sees of `npm start` in a terminal: each step as it happens, a box with the URLs and
 * the demo's logins, and the services' logs as readable lines, in color.
 */
function assertFriendlyStart(output: string, raw: string, offset: number): void {
  const lines = output.split("\n");
  const at = (pattern: RegExp) => {
    const index = lines.findIndex((line) => pattern.test(line));
    assert.notEqual(index, -1, `no line ${pattern} in:\n${output}`);
    return index;
  };
  // The steps, in the order they happen.
  const steps = [
    /^▸ build tsc -b$/,
    /^✔ build /,
    /^✔ data directory .* \(this npm start: pid \d+\)$/,
    /^▸ local services .*not set: starting/,
    /^✔ local services ready \(\d+\.\d s\)$/,
    /^✔ database postgres:\/\/postgres@127\.0\.0\.1:\d+\/solo$/,
    /^▸ migrations /,
  ];
  const order = steps.map(at);
  assert.deepEqual(
    order,
    [...order].sort((a, b) => a - b),
    "steps in order",
  );
  const gatewayReady = at(new RegExp(`^✔ gateway ready at http://127\\.0\\.0\\.1:${4000 + offset}/graphql`));
  for (const subgraph of readSubgraphs()) {
    const begun = at(new RegExp(`^▸ ${subgraph.name} started \\(pid \\d+\\)$`));
    const ready = at(
      new RegExp(`^✔ ${subgraph.name} ready at http://127\\.0\\.0\\.1:${subgraph.port + offset}/graphql \\(migrations: \\d+, (\\d+ applied now|all applied before)\\)`),
    );
    assert.ok(order.at(-1)! < begun && begun < ready && ready < gatewayReady, `${subgraph.name}: started, then ready, before the gateway`);
  }
  assert.ok(at(/^✔ demo data loaded/) < at(/SOLO supergraph ready/));
  // The box: the URLs (the object store and the registry are there under npm start) and the logins.
  const gateway = `http://127.0.0.1:${4000 + offset}`;
  for (const [name, url] of [
    ["API", `${gateway}/graphql`],
    ["GraphiQL", `${gateway}/`],
    ["Dashboard", `${gateway}/dashboard`],
    ["Caught mail", `${gateway}/dev/mail`],
    ["Object store", "http://127.0.0.1:"],
    ["Registry", `http://127.0.0.1:${REGISTRY_PORT + offset}`],
  ]) {
    at(new RegExp(`^│ ${name} +${url.replace(/[.?]/g, "\\$&")}`));
  }
  // The logins the demo's parts declare (users': the admin, the instructor, the marketer, the students).
  const logins = readSubgraphs().flatMap((entry) => loadSubgraph(entry.dir).demo?.logins ?? []);
  assert.ok(logins.length >= 4, "the demo declares its logins");
  at(new RegExp(`^│ Demo logins \\(password "${logins[0].password}"\\):`));
  for (const login of logins) at(new RegExp(`^│ +${login.role} +${login.email.replace(/[.]/g, "\\.")} +│$`));
  at(/^│ +STUDENT +student001@demo\.solo … student200@demo\.solo +│$/);
  at(/^╰─+╯$/);
  // Logs: human lines (time, level, service), no JSON; colored, since the terminal takes color.
  const [firstSubgraph] = readSubgraphs();
  at(new RegExp(`^\\d\\d:\\d\\d:\\d\\d INFO +${firstSubgraph.name} +${firstSubgraph.name} subgraph ready url=http`));
  assert.doesNotMatch(output, /^\{"level"/m);
  assert.ok(raw.includes(`${ESC}[32m✔${ESC}[39m`), "the marks are colored");
}

/**
 * Why the pseudo-terminal cannot be had, if it cannot: it is util-linux's `script` (its --quiet,
 * --flush, --return and --command options; BSD's and busybox's differ).
 */
function noUtilLinuxScript(): string | false {
  const version = spawnSync("script", ["--version"], { encoding: "utf8" });
  if (version.error || version.status !== 0) return `no util-linux \`script\` to run npm start in a pseudo-terminal (${version.error?.message ?? version.stderr.trim()})`;
  return /util-linux/.test(version.stdout) ? false : `\`script\` is not util-linux's (${version.stdout.trim()}): its options differ`;
}

/**
 * `npm start` as a newcomer runs it: no DATABASE_URL, so an embedded Postgres under the data
 * folder; every subgraph and the gateway as processes; Ctrl-C stops them all; accounts survive.
 */
describe("npm start with no DATABASE_URL", () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "solo-start-"));
  const started: ChildProcess[] = [];
  const outputs: (() => string)[] = [];
  after(() => {
    // In the terminal, npm start is not the group leader: end it and each service it started by pid
    // (killPlatform does nothing for one that said it stopped cleanly).
    for (const output of outputs) killPlatform(Number(/this npm start: pid (\d+)/.exec(output())?.[1]), output());
    // A failed assertion must not leave a platform running: end the whole process group.
    for (const child of started) {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /**
   * `npm start` on the data folder at these ports. With `terminal`, as a person runs it: `npm start`
   * itself in a pseudo-terminal (util-linux `script`), which makes its stdout a TTY, so its steps
   * and logs come as a person sees them, and Ctrl-C is the keystroke (see stop).
   */
  async function start(offset: number, pgPort: number, s3Port: number, extra: NodeJS.ProcessEnv = {}, terminal = false) {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      SOLO_DATA_DIR: dataDir,
      PORT_OFFSET: String(offset),
      EMBEDDED_POSTGRES_PORT: String(pgPort),
      EMBEDDED_S3_PORT: String(s3Port),
      EMBEDDED_SMTP_PORT: String(smtpPort),
      EMBEDDED_INSTAGRAM_PORT: String(instagramPort),
      LOG_LEVEL: "warn",
      ...extra,
    };
    delete env.DATABASE_URL;
    delete env.S3_ENDPOINT;
    delete env.SMTP_URL;
    delete env.DEV_MAILBOX_PATH;
    delete env.REDIS_URL;
    delete env.NODE_ENV;
    delete env.LOG_FORMAT;
    if (terminal) {
      // A person's terminal emulator says what it is; a CI job's environment often says nothing
      // (no TERM, or CI=true), and Node then takes the terminal for one without color.
      env.TERM = "xterm-256color";
      for (const name of ["NO_COLOR", "NODE_DISABLE_COLORS", "FORCE_COLOR", "CI"]) delete env[name];
    }
    // `exec`: script runs the command with $SHELL -c, or /bin/sh -c when SHELL is unset (as in CI).
    // dash then waits on npm instead of becoming it, and a non-interactive shell that saw Ctrl-C
    // ends itself by SIGINT (130) even when npm exits 0. A person's interactive shell does not.
    const child = terminal
      ? spawn("script", ["--quiet", "--flush", "--return", "--command", "exec npm start", "/dev/null"], {
          cwd: projectRoot(),
          env,
          stdio: ["pipe", "pipe", "pipe"],
          detached: true,
        })
      : spawn(process.execPath, [path.join(projectRoot(), "tools", "dist", "src", "start.js")], { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    started.push(child);
    let raw = "";
    child.stdout.on("data", (chunk) => (raw += chunk));
    child.stderr.on("data", (chunk) => (raw += chunk));
    // What a person reads: without the colors' escape sequences, lines ending in \n as in a pipe.
    // npm's progress spinner erases itself (back to column 1, clear the line): gone, as on screen.
    const output = () => raw.replace(COLORS, "").replace(ERASED, "").replace(/\r\n/g, "\n");
    outputs.push(output);
    const deadline = Date.now() + 120_000;
    // The ready box ends with its bottom border; the title line names the API's URL.
    while (!/SOLO supergraph ready: (\S+)[^]*╰/.test(output())) {
      if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output()}`);
      if (Date.now() > deadline) throw new Error(`npm start was not ready in time:\n${output()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return { child, url: /SOLO supergraph ready: (\S+)/.exec(output())![1], output, raw: () => raw };
  }

  /**
   * Ctrl-C as a terminal sends it: SIGINT to the whole foreground process group; in the
   * pseudo-terminal, the keystroke itself (the terminal turns it into that signal).
   */
  async function stop(child: ChildProcess, terminal = false): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    if (terminal) child.stdin!.write("\x03");
    else process.kill(-child.pid!, "SIGINT");
    return exited;
  }

  /** start.js beside a running platform, as a second `npm start` would be; it is expected to refuse at once. */
  function startBeside(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
    const child = spawn(process.execPath, [path.join(projectRoot(), "tools", "dist", "src", "start.js")], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    return new Promise((resolve) => child.on("close", (code) => resolve({ code, output })));
  }

  const post = postGraphQL;

  /** The registry CLI as a developer runs it beside `npm start`: same data folder, so the same development keys. */
  function registryCli(offset: number, args: string[], stdin = ""): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const env: NodeJS.ProcessEnv = { ...process.env, SOLO_DATA_DIR: dataDir, REGISTRY_URL: `http://127.0.0.1:${REGISTRY_PORT + offset}` };
    delete env.SOLO_REGISTRY_KEY;
    const child = spawn(process.execPath, [path.join(projectRoot(), "registry", "dist", "src", "cli.js"), ...args], { env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.stdin.end(stdin);
    return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
  }

  /** The User type's fields as the gateway's schema has them (introspection is open in development). */
  async function userFields(url: string): Promise<string[]> {
    const answer = await post(url, `{ __type(name: "User") { fields { name } } }`, {});
    return (answer.data.__type.fields as { name: string }[]).map((field) => field.name);
  }

  let smtpPort = 0;
  let instagramPort = 0;

  it("starts everything, stops everything on Ctrl-C, and keeps accounts across a restart", { timeout: 300_000, skip: noUtilLinuxScript() }, async () => {
    const offset = await freePlatformPortOffset();
    const [pgPort, s3Port] = [await freePort(), await freePort()];
    smtpPort = await freePort();
    instagramPort = await freePort();
    // The first start as a person runs it: `npm start` in a terminal, logs at their default level.
    const first = await start(offset, pgPort, s3Port, { SEED_DEMO: "1", LOG_LEVEL: "info" }, true);
    assert.equal(first.url, `http://127.0.0.1:${4000 + offset}/graphql`);
    assertFriendlyStart(first.output(), first.raw(), offset);
    assert.match(first.output(), /starting an embedded Postgres \(\.data\/postgres\) and a local S3 store \(\.data\/objects\) and a mail catcher/);
    // Each worker the descriptors declare runs as processes of its own (the publisher, …).
    const workers = workerProcesses();
    assert.ok(workers.length > 0, "rover.yaml's subgraphs declare workers");
    for (const worker of workers) assert.match(first.output(), new RegExp(`${worker.name} started \\(pid \\d+\\)`));
    // The database was empty, so the demo was offered (and, with SEED_DEMO=1, loaded).
    const demo = await post(first.url, `{ course(slug: "clat-2027-complete-preparation") { title lessonCount } }`, {});
    assert.deepEqual(demo.data.course, { title: "CLAT 2027: Complete Preparation", lessonCount: 12 });
    const input = { email: "persist@example.test", password: "survives restarts", displayName: "Persistent" };
    const registered = await post(first.url, "mutation($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }", { input });
    assert.equal(registered.errors, undefined);

    // The registry runs beside them, holding the working tree's subgraphs at their running URLs
    // (published at start-up), the project's trusted documents, and the partner variant.
    assert.match(first.output(), /registry started \(pid \d+\)/);
    assert.match(
      first.output(),
      new RegExp(
        `registry http://127\\.0\\.0\\.1:${REGISTRY_PORT + offset}: published ${readSubgraphs()
          .map((entry) => entry.name)
          .join(", ")}; supergraph \\S+; \\d+ trusted documents`,
      ),
    );
    const history = await registryCli(offset, ["history", "users", "--json"]);
    assert.equal(history.code, 0, history.stderr);
    assert.equal(JSON.parse(history.stdout).versions[0].url, `http://127.0.0.1:${4001 + offset}/graphql`);
    const api = await registryCli(offset, ["fetch", "--api"]);
    assert.equal(api.stdout, fs.readFileSync(path.join(projectRoot(), "schema", "api.graphql"), "utf8"), "the registry serves the working tree's API");
    const variants = await registryCli(offset, ["variants", "--json"]);
    assert.deepEqual(JSON.parse(variants.stdout).variants, [{ name: "partner", include: [], exclude: ["internal"] }]);
    // The gateway takes its trusted documents from it: a contract operation sent by its hash alone.
    const courseBySlug = readClientManifest().operations.find((operation) => operation.name === "CourseBySlug")!;
    const byHash = await fetch(first.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ variables: { slug: "clat-2027-complete-preparation" }, extensions: { persistedQuery: { version: 1, sha256Hash: courseBySlug.id } } }),
    });
    const byHashBody = (await byHash.json()) as { data?: { course: { title: string } }; errors?: unknown[] };
    assert.equal(byHashBody.data?.course.title, "CLAT 2027: Complete Preparation", JSON.stringify(byHashBody));
    // …and its supergraph: a version published now is served within seconds, with no restart.
    const usersSdl = fs.readFileSync(path.join(projectRoot(), "schema", "users.graphql"), "utf8");
    const probe = usersSdl.replace(/^(type User [^\n]*\{\n)/m, "$1  registryProbe: String\n");
    assert.notEqual(probe, usersSdl);
    const published = await registryCli(offset, ["publish", "users", "--schema", "-", "--url", `http://127.0.0.1:${4001 + offset}/graphql`], probe);
    assert.equal(published.code, 0, published.stderr);
    const swapDeadline = Date.now() + 10_000;
    while (!(await userFields(first.url)).includes("registryProbe")) {
      assert.ok(Date.now() < swapDeadline, "the gateway serves the registry's new supergraph within 10 s");
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    // The mail catcher caught the verification mail: listed at /dev/mail, kept under the data folder.
    const devMail = new URL("/dev/mail", first.url).toString();
    let caught: CaughtMail | undefined;
    for (let i = 0; !caught && i < 200; i++) {
      caught = ((await (await fetch(devMail)).json()) as CaughtMail[]).find((mail) => mail.to === input.email);
      if (!caught) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.match(caught?.subject ?? "", /Confirm your email/);
    const verify = await post(first.url, "mutation($t: String!) { verifyEmail(token: $t) }", { t: /token=([\w-]+)/.exec(caught!.text)![1] });
    assert.deepEqual(verify.data, { verifyEmail: true });
    assert.ok(fs.readFileSync(path.join(dataDir, "mailbox.jsonl"), "utf8").includes(input.email), "caught mail lives under the data folder");

    // The local S3 store is up with its bucket: an upload goes through end to end.
    const token = registered.data.register.accessToken;
    const bytes = Buffer.from("\x89PNG local store");
    const ticket = await post(
      first.url,
      "mutation($input: CreateUploadUrlInput!) { createUploadUrl(input: $input) { uploadUrl headers { name value } asset { id key } } }",
      { input: { filename: "me.png", contentType: "image/png", sizeBytes: bytes.length, purpose: "AVATAR" } },
      token,
    );
    assert.equal(ticket.errors, undefined, JSON.stringify(ticket.errors));
    const { uploadUrl, headers, asset } = ticket.data.createUploadUrl;
    const put = await fetch(uploadUrl, { method: "PUT", headers: Object.fromEntries(headers.map((h: any) => [h.name, h.value])), body: bytes });
    assert.equal(put.status, 200);
    const done = await post(first.url, "mutation($id: ID!) { completeUpload(assetId: $id) { status } }", { id: asset.id }, token);
    assert.equal(done.data?.completeUpload.status, "READY", JSON.stringify(done));
    assert.ok(fs.readdirSync(path.join(dataDir, "objects")).length > 0, "objects live under the data folder");
    // A second npm start on the same data folder says which one holds it, and starts nothing.
    const supervisorPid = Number(/this npm start: pid (\d+)/.exec(first.output())![1]);
    const sameData = await startBeside({ SOLO_DATA_DIR: dataDir, PORT_OFFSET: String(await freePlatformPortOffset()) });
    assert.equal(sameData.code, 1, sameData.output);
    assert.match(sameData.output, new RegExp(`another npm start \\(pid ${supervisorPid}\\) holds the data directory ${dataDir}`));
    assert.doesNotMatch(sameData.output, /started \(pid/);
    // One on another data folder but the same ports names the first port taken and PORT_OFFSET.
    const otherData = fs.mkdtempSync(path.join(os.tmpdir(), "solo-start-beside-"));
    const beside = await startBeside({ SOLO_DATA_DIR: otherData, PORT_OFFSET: String(offset), DATABASE_URL: "postgres://unused" });
    fs.rmSync(otherData, { recursive: true, force: true });
    assert.equal(beside.code, 1, beside.output);
    assert.match(beside.output, new RegExp(`port ${4000 + offset} is in use \\(gateway\\); stop what holds it or set PORT_OFFSET=\\d+`));
    assert.doesNotMatch(beside.output, /started \(pid/);

    // Ctrl-C in the terminal: 0 means npm, every service and the database stopped with exit code 0 (start.ts checks).
    assert.equal(await stop(first.child, true), 0, first.output());
    assert.match(first.output(), /stopping the platform…\n[^]*✔ stopped every process exited cleanly/);
    for (const port of [4000 + offset, 4001 + offset, REGISTRY_PORT + offset]) {
      const reachable = await fetch(`http://127.0.0.1:${port}/health`).then(
        () => true,
        () => false,
      );
      assert.equal(reachable, false, `port ${port} is closed after Ctrl-C`);
    }
    assert.ok(fs.existsSync(path.join(dataDir, "postgres", "PG_VERSION")), "Postgres data lives under the data folder");

    // GRAPHIQL=0: the gateway serves no GraphiQL, and the box does not list it.
    const second = await start(offset, pgPort, s3Port, { GRAPHIQL: "0" });
    try {
      assert.match(second.output(), /^│ API +http/m);
      assert.doesNotMatch(second.output(), /^│ GraphiQL/m);
      assert.equal((await fetch(new URL("/", second.url), { headers: { accept: "text/html" } })).status, 404);
      // Not a terminal: the services' logs pass through as the JSON lines they write, no colors.
      assert.ok(!second.raw().includes(ESC), "no colors outside a terminal");
      assert.match(second.output(), /^✔ gateway ready at /m);
      // The second start published the working tree again: the probe field is gone.
      assert.match(second.output(), new RegExp(`registry http://127\\.0\\.0\\.1:${REGISTRY_PORT + offset}: published users; `));
      assert.ok(!(await userFields(second.url)).includes("registryProbe"));
      const login = () =>
        post(second.url, "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { user { id } } }", {
          e: input.email,
          p: input.password,
        });
      assert.equal((await login()).data?.login.user.id, registered.data.register.user.id);

      // The embedded Postgres heals too: its helper killed, the Postgres it leaves behind is stopped
      // and both start again, with the same data.
      const helperPid = Number(/local services started \(pid (\d+)\)/.exec(second.output())![1]);
      process.kill(helperPid, "SIGKILL");
      const deadline = Date.now() + 60_000;
      let again;
      while (!(again = await login().catch(() => undefined))?.data?.login) {
        assert.ok(Date.now() < deadline, `no login after the local services were killed:\n${second.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      assert.equal(again.data.login.user.id, registered.data.register.user.id);
      assert.match(second.output(), new RegExp(`local services \\(pid ${helperPid}\\) exited with signal SIGKILL`));
      assert.equal(second.output().match(/local services started/g)?.length, 2);
    } finally {
      assert.equal(await stop(second.child), 0, second.output());
    }
  });
});

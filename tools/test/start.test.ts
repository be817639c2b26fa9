import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import type { CaughtMail } from "@solo/kit";
import { freePort, projectRoot } from "@solo/kit";
import { workerProcesses } from "../src/workers";
import { postGraphQL } from "./platform";

/**
 * `npm start` as a newcomer runs it: no DATABASE_URL, so an embedded Postgres under the data
 * folder; every subgraph and the gateway as processes; Ctrl-C stops them all; accounts survive.
 */
describe("npm start with no DATABASE_URL", () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "solo-start-"));
  const started: ChildProcess[] = [];
  after(() => {
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

  async function start(offset: number, pgPort: number, s3Port: number, extra: NodeJS.ProcessEnv = {}) {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      SOLO_DATA_DIR: dataDir,
      PORT_OFFSET: String(offset),
      EMBEDDED_POSTGRES_PORT: String(pgPort),
      EMBEDDED_S3_PORT: String(s3Port),
      EMBEDDED_SMTP_PORT: String(smtpPort),
      EMBEDDED_INSTAGRAM_PORT: String(instagramPort),
      ...extra,
    };
    delete env.DATABASE_URL;
    delete env.S3_ENDPOINT;
    delete env.SMTP_URL;
    delete env.DEV_MAILBOX_PATH;
    delete env.REDIS_URL;
    delete env.NODE_ENV;
    env.LOG_LEVEL = "warn";
    const child = spawn(process.execPath, [path.join(projectRoot(), "tools", "dist", "src", "start.js")], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    started.push(child);
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const deadline = Date.now() + 120_000;
    while (!/SOLO supergraph ready: (\S+)/.test(output)) {
      if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
      if (Date.now() > deadline) throw new Error(`npm start was not ready in time:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return { child, url: /SOLO supergraph ready: (\S+)/.exec(output)![1], output: () => output };
  }

  /** Ctrl-C as a terminal sends it: SIGINT to the whole foreground process group. */
  async function stop(child: ChildProcess): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    process.kill(-child.pid!, "SIGINT");
    return exited;
  }

  const post = postGraphQL;

  let smtpPort = 0;
  let instagramPort = 0;

  it("starts everything, stops everything on Ctrl-C, and keeps accounts across a restart", { timeout: 300_000 }, async () => {
    const offset = 20_000 + Math.floor(Math.random() * 10_000);
    const [pgPort, s3Port] = [await freePort(), await freePort()];
    smtpPort = await freePort();
    instagramPort = await freePort();
    const first = await start(offset, pgPort, s3Port, { SEED_DEMO: "1" });
    assert.equal(first.url, `http://127.0.0.1:${4000 + offset}/graphql`);
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
    // 0 means every service and the database also stopped with exit code 0 (start.ts checks).
    assert.equal(await stop(first.child), 0, first.output());
    for (const port of [4000 + offset, 4001 + offset]) {
      const reachable = await fetch(`http://127.0.0.1:${port}/health`).then(
        () => true,
        () => false,
      );
      assert.equal(reachable, false, `port ${port} is closed after Ctrl-C`);
    }
    assert.ok(fs.existsSync(path.join(dataDir, "postgres", "PG_VERSION")), "Postgres data lives under the data folder");

    const second = await start(offset, pgPort, s3Port);
    try {
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
      assert.equal(await stop(second.child), 0);
    }
  });
});

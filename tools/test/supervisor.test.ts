import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { freePort, projectRoot } from "@solo/kit";
import { createTestDatabase } from "@solo/kit/dist/src/testing";
import { freePlatformPortOffset } from "../src/processes";
import { killPlatform, postGraphQL } from "./platform";

type Answer = { at: number; kind: "full" | "partial" | "other"; body: string };

/**
 * `npm start` heals: content killed with SIGKILL while queries touching it keep coming is
 * restarted by the supervisor, with partial answers naming it meanwhile, and serves again within
 * 15 s without anyone doing anything.
 */
describe("npm start restarts a crashed service", () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "solo-supervisor-"));
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let supervisor: ChildProcess | undefined;
  let output = "";

  before(async () => {
    database = await createTestDatabase("supervisor");
  });
  after(async () => {
    // A failed assertion must not leave a platform running.
    killPlatform(supervisor?.pid, output);
    await database.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("restarts content after kill -9 under load: partial answers naming it meanwhile, full answers within 15 s, SIGTERM exits 0", { timeout: 300_000 }, async (t) => {
    const offset = await freePlatformPortOffset();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: database.url,
      SOLO_DATA_DIR: dataDir,
      PORT_OFFSET: String(offset),
      EMBEDDED_S3_PORT: String(await freePort()),
      // Its own mail catcher's port too: the default one is a running `npm start`'s (or a parallel run's).
      EMBEDDED_SMTP_PORT: String(await freePort()),
      EMBEDDED_INSTAGRAM_PORT: String(await freePort()),
      LOG_LEVEL: "warn",
      // Four clients asking as fast as answers come: a user's 600 a minute would answer them 429
      // (at once, so they would spin) before content is back; healing, not rate limits, is tested here.
      RATE_LIMIT_USER: "1000000",
      // While content is down its fields must be missing: a cached answer would hide the outage being tested.
      RESPONSE_CACHE: "false",
    };
    delete env.S3_ENDPOINT;
    delete env.REDIS_URL;
    delete env.NODE_ENV;
    const child = spawn(process.execPath, [path.join(projectRoot(), "tools", "dist", "src", "start.js")], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    supervisor = child;
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    const waitFor = async (pattern: RegExp, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(output)) {
        if (child.exitCode !== null) throw new Error(`npm start exited:\n${output}`);
        if (Date.now() > deadline) throw new Error(`no ${pattern} in time:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return pattern.exec(output)!;
    };
    const url = (await waitFor(/SOLO supergraph ready: (\S+)/, 180_000))[1];
    const contentPid = Number((await waitFor(/content started \(pid (\d+)\)/, 0))[1]);

    const post = (query: string, variables: object = {}, token?: string) => postGraphQL(url, query, variables, token);
    const registered = await post("mutation($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }", {
      input: { email: "healing@example.test", password: "survives a crash", displayName: "Healing" },
    });
    const token = registered.data.register.accessToken;
    const me = registered.data.register.user.id;

    // Users answers `me`; content answers `course` and `avatar` (an entity fetch after users).
    const answers: Answer[] = [];
    let loading = true;
    const ask = async () => {
      while (loading) {
        const at = Date.now();
        const body = await post(`{ me { id avatar { id } } course(slug: "no-such-course") { id } }`, {}, token).catch((error) => ({ error: String(error) }) as any);
        const full = body.status === 200 && !body.errors && body.data?.me?.id === me;
        const partial =
          body.status === 200 &&
          body.data?.me?.id === me &&
          body.errors?.length > 0 &&
          body.errors.every((error: any) => error.extensions?.code === "SERVICE_UNAVAILABLE" && error.extensions?.service === "content");
        answers.push({ at, kind: full ? "full" : partial ? "partial" : "other", body: JSON.stringify(body) });
      }
    };
    const load = [ask(), ask(), ask(), ask()];
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const killedAt = Date.now();
      process.kill(contentPid, "SIGKILL");

      const ready = await (async () => {
        for (;;) {
          const response = await fetch(url.replace("/graphql", "/ready"));
          if (response.status === 503) return response.json() as Promise<{ down: string[] }>;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })();
      assert.deepEqual(ready.down, ["content"], "/ready names content, and only content");

      const healed = await (async () => {
        for (;;) {
          const full = answers.find((answer) => answer.kind === "full" && answer.at > killedAt && answers.some((a) => a.kind === "partial" && a.at < answer.at));
          if (full) return full;
          if (Date.now() - killedAt > 60_000) return undefined;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })();
      loading = false;
      await Promise.all(load);
      const sinceKill = answers.filter((answer) => answer.at > killedAt);
      assert.ok(
        sinceKill.some((answer) => answer.kind === "partial"),
        "answers while content was down were partial",
      );
      assert.deepEqual(
        sinceKill.filter((answer) => answer.kind === "other").map((answer) => answer.body),
        [],
        "nothing but full or partial answers",
      );
      assert.ok(healed, `content did not serve again:\n${output}`);
      const seconds = (healed.at - killedAt) / 1000;
      assert.ok(seconds < 15, `full answers again ${seconds} s after the kill`);
      const partial = sinceKill.filter((answer) => answer.kind === "partial").length;
      t.diagnostic(`full answers again ${seconds} s after the kill; ${partial} partial answers of ${sinceKill.length} meanwhile`);
      assert.match(output, new RegExp(`content \\(pid ${contentPid}\\) exited with signal SIGKILL after [\\d.]+ s; restarting in 1 s`));
      const pids = [...output.matchAll(/content started \(pid (\d+)\)/g)].map((match) => Number(match[1]));
      assert.equal(pids.length, 2);
      assert.notEqual(pids[1], contentPid);
    } finally {
      loading = false;
      await Promise.all(load);
    }

    // The local services (here the S3 store) are a service too.
    const storePid = Number((await waitFor(/local services started \(pid (\d+)\)/, 0))[1]);
    process.kill(storePid, "SIGKILL");
    await waitFor(new RegExp(`local services \\(pid ${storePid}\\) exited with signal SIGKILL`), 10_000);
    await waitFor(/local services started \(pid \d+\)[\s\S]*local services started \(pid \d+\)/, 15_000);
    // "started" is logged at the spawn, before the store listens; on a host busy with the rest of the
    // suite its process takes seconds to load. A try that hangs is cut off, and a miss says why.
    const store = `http://127.0.0.1:${env.EMBEDDED_S3_PORT}/`;
    const storeDeadline = Date.now() + 30_000;
    let storeError: unknown;
    while (
      !(await fetch(store, { signal: AbortSignal.timeout(2_000) }).then(
        () => true,
        (error: unknown) => ((storeError = error), false),
      ))
    ) {
      assert.ok(Date.now() < storeDeadline, `the S3 store answers again within 30 s of its restart (last: ${String(storeError)})\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    process.kill(child.pid!, "SIGTERM");
    assert.equal(await exited, 0, output);
    for (const port of [4000, 4001, 4002, 4003]) {
      const reachable = await fetch(`http://127.0.0.1:${port + offset}/health`).then(
        () => true,
        () => false,
      );
      assert.equal(reachable, false, `port ${port + offset} is closed after SIGTERM`);
    }
  });
});

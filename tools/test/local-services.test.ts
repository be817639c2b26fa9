import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { freePort, projectRoot } from "@solo/kit";

/*
 * npm start's helper for the embedded Postgres, the object store, the mail catcher and the
 * Instagram stand-in: stopped while it is still starting (what the supervisor does when it is told
 * to stop right after it restarted a crashed helper), and what its READY line says.
 */
describe("the local-services helper", () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "solo-local-services-"));
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it("stopped by SIGTERM while its Postgres is starting, waits for it, stops it and exits 0", { timeout: 120_000 }, async () => {
    const pgPort = await freePort();
    const child = spawn(process.execPath, [path.join(projectRoot(), "tools/dist/src/local-services.js")], {
      env: { ...process.env, SOLO_DATA_DIR: dataDir, WITH_POSTGRES: "1", EMBEDDED_POSTGRES_PORT: String(pgPort) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));

    // Its Postgres has begun (the data folder exists) and has not answered yet.
    const deadline = Date.now() + 60_000;
    while (!fs.existsSync(path.join(dataDir, "postgres"))) {
      assert.ok(Date.now() < deadline, `Postgres never began:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.doesNotMatch(output, /READY/);
    child.kill("SIGTERM");

    assert.deepEqual(await exited, { code: 0, signal: null }, output);
    assert.doesNotMatch(output, /READY/, "a helper told to stop does not announce itself ready");
    assert.equal(await accepts(pgPort), false, "its Postgres was stopped, not left behind");
  });

  it("with WITH_INSTAGRAM=1 announces the Instagram stand-in's URL, which takes dev-<handle> tokens", { timeout: 30_000 }, async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [path.join(projectRoot(), "tools/dist/src/local-services.js")], {
      env: { ...process.env, SOLO_DATA_DIR: dataDir, WITH_INSTAGRAM: "1", EMBEDDED_INSTAGRAM_PORT: String(port) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stderr.on("data", (chunk) => (output += chunk));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
    const readyLine = await new Promise<string>((resolve, reject) => {
      let stdout = "";
      child.stdout.on("data", (chunk) => {
        stdout += chunk;
        const line = /^READY (.*)$/m.exec(stdout);
        if (line) resolve(line[1]);
      });
      child.once("exit", () => reject(new Error(`exited before READY:\n${stdout}${output}`)));
    });

    const ready = JSON.parse(readyLine) as { instagramGraphUrl?: string };
    assert.equal(ready.instagramGraphUrl, `http://127.0.0.1:${port}/v23.0`);
    const me = await fetch(`${ready.instagramGraphUrl}/me?fields=user_id,username&access_token=dev-demo`);
    assert.equal(me.status, 200);
    const body = (await me.json()) as { user_id: string; username: string };
    assert.equal(body.username, "demo");
    assert.match(body.user_id, /^\d+$/);
    const stranger = await fetch(`${ready.instagramGraphUrl}/me?fields=user_id,username&access_token=someone-else`);
    assert.equal(((await stranger.json()) as { error: { code: number } }).error.code, 190);

    child.kill("SIGTERM");
    assert.deepEqual(await exited, { code: 0, signal: null }, output);
    assert.equal(await accepts(port), false, "the stand-in was closed");
  });
});

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { freePort, projectRoot } from "@solo/kit";
import { prettyLogLine } from "../src/log-format";
import { freePlatformPortOffset } from "../src/processes";

/** start.js on a data folder of the test's own; these cases refuse before anything starts. */
function start(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [path.join(projectRoot(), "tools", "dist", "src", "start.js")], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

/** What an `npm start` runs: a stand-in's command line names it, as a running start's does. */
const START_JS = path.join(projectRoot(), "tools", "dist", "src", "start.js");

/** A live process whose command line is an `npm start`'s (it only waits): the holder of a lock. */
function standInStart(): ChildProcess {
  return spawn(process.execPath, ["-e", "setInterval(() => {}, 60_000)", START_JS], { stdio: "ignore" });
}

/**
 * A process that calls lockDataDir on the directory when told "go" on its stdin, reports what it
 * got as a JSON line, and holds what it took until its stdin ends. Its command line names start.js
 * as a real start's does, so the others see its lock as held.
 */
async function locker(dir: string): Promise<{ child: ChildProcess; result: Promise<{ pid: number; heldBy?: number }> }> {
  const code = `
    const { lockDataDir } = require(${JSON.stringify(path.join(projectRoot(), "tools", "dist", "src", "start-guards.js"))});
    process.stdout.write("ready\\n");
    process.stdin.once("data", () => {
      process.stdout.write(JSON.stringify({ pid: process.pid, ...lockDataDir(${JSON.stringify(dir)}) }) + "\\n");
      process.stdin.resume().on("end", () => process.exit(0));
    });`;
  const child = spawn(process.execPath, ["-e", code, START_JS], { stdio: ["pipe", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (chunk) => (out += chunk));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", () => out.startsWith("ready\n") && resolve());
    child.once("exit", () => reject(new Error(`locker exited: ${out}`)));
  });
  const result = new Promise<{ pid: number; heldBy?: number }>((resolve, reject) => {
    child.stdout.on("data", () => {
      const line = out.split("\n")[1];
      if (out.split("\n").length > 2) resolve(JSON.parse(line));
    });
    child.once("exit", () => reject(new Error(`locker exited: ${out}`)));
  });
  return { child, result };
}

/** The pid of a process that has exited: what a crashed `npm start` leaves in its lock. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((resolve) => child.on("exit", resolve));
  return child.pid!;
}

describe("npm start refuses plainly", () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "solo-start-guards-"));
  const lockFile = path.join(dataDir, "npm-start.pid");
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it("a data folder another running npm start holds: names its pid, exits 1, leaves its lock", async () => {
    const holder = standInStart();
    try {
      fs.writeFileSync(lockFile, `${holder.pid}\n`);
      const result = await start({ SOLO_DATA_DIR: dataDir, PORT_OFFSET: String(await freePlatformPortOffset()) });
      assert.equal(result.code, 1, result.stdout + result.stderr);
      assert.equal(
        result.stderr,
        `✖ another npm start (pid ${holder.pid}) holds the data directory ${dataDir}: stop it (Ctrl-C in its terminal), or give this one a directory of its own with SOLO_DATA_DIR\n`,
      );
      assert.equal(result.stdout, "");
      assert.equal(fs.readFileSync(lockFile, "utf8"), `${holder.pid}\n`);
    } finally {
      holder.kill("SIGKILL");
    }
  });

  it("npm start itself refuses before it builds: dist is not recompiled under the running platform", async () => {
    const holder = standInStart();
    try {
      fs.writeFileSync(lockFile, `${holder.pid}\n`);
      const env: NodeJS.ProcessEnv = { ...process.env, SOLO_DATA_DIR: dataDir, PORT_OFFSET: String(await freePlatformPortOffset()) };
      const child = spawn("npm", ["start"], { cwd: projectRoot(), env, stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      child.stdout.on("data", (chunk) => (output += chunk));
      child.stderr.on("data", (chunk) => (output += chunk));
      const code = await new Promise((resolve) => child.on("close", resolve));
      assert.notEqual(code, 0, output);
      assert.match(output, new RegExp(`^✖ another npm start \\(pid ${holder.pid}\\) holds the data directory ${dataDir}: stop it`, "m"));
      // npm echoes each script it runs: the start script (tsc -b, then start.js) never ran.
      assert.doesNotMatch(output, /tsc -b/, "nothing was built");
      assert.equal(fs.readFileSync(lockFile, "utf8"), `${holder.pid}\n`);
    } finally {
      holder.kill("SIGKILL");
    }
  });

  it("several starts taking over one stale lock at once: exactly one takes it, the others name it", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "solo-start-race-"));
    const lockers: Awaited<ReturnType<typeof locker>>[] = [];
    try {
      lockers.push(...(await Promise.all(Array.from({ length: 8 }, () => locker(dir)))));
      fs.writeFileSync(path.join(dir, "npm-start.pid"), `${await deadPid()}\n`);
      for (const { child } of lockers) child.stdin!.write("go\n");
      const results = await Promise.all(lockers.map(({ result }) => result));
      const winners = results.filter((result) => !result.heldBy);
      assert.equal(winners.length, 1, JSON.stringify(results));
      for (const loser of results.filter((result) => result.heldBy)) assert.equal(loser.heldBy, winners[0].pid);
      assert.equal(fs.readFileSync(path.join(dir, "npm-start.pid"), "utf8"), `${winners[0].pid}\n`);
      assert.deepEqual(fs.readdirSync(dir), ["npm-start.pid"], "no stale lock left aside");
    } finally {
      for (const { child } of lockers) child.kill("SIGKILL");
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it(
    "a lock naming a live process that is no npm start (its pid reused after a crash) is taken over",
    { skip: process.platform !== "linux" && "only Linux says what a pid runs" },
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "solo-start-reused-"));
      const unrelated = spawn("sleep", ["60"], { stdio: "ignore" });
      let child: ChildProcess | undefined;
      try {
        const started = await locker(dir);
        child = started.child;
        fs.writeFileSync(path.join(dir, "npm-start.pid"), `${unrelated.pid}\n`);
        child.stdin!.write("go\n");
        const taken = await started.result;
        assert.equal(taken.heldBy, undefined, "not held by a sleep");
        assert.equal(fs.readFileSync(path.join(dir, "npm-start.pid"), "utf8"), `${taken.pid}\n`);
      } finally {
        child?.kill("SIGKILL");
        unrelated.kill("SIGKILL");
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it("a stale lock is taken over; a port in use is named with PORT_OFFSET, and nothing is left behind", async () => {
    fs.writeFileSync(lockFile, `${await deadPid()}\n`);
    const offset = await freePlatformPortOffset();
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(4000 + offset, "127.0.0.1", resolve));
    try {
      const result = await start({
        SOLO_DATA_DIR: dataDir,
        PORT_OFFSET: String(offset),
        EMBEDDED_POSTGRES_PORT: String(await freePort()),
        EMBEDDED_S3_PORT: String(await freePort()),
        EMBEDDED_SMTP_PORT: String(await freePort()),
        EMBEDDED_INSTAGRAM_PORT: String(await freePort()),
      });
      assert.equal(result.code, 1, result.stdout + result.stderr);
      assert.match(result.stdout, /^✔ data directory .* \(this npm start: pid \d+\)$/m, "the stale lock was taken over");
      assert.match(result.stderr, new RegExp(`^✖ port ${4000 + offset} is in use \\(gateway\\); stop what holds it or set PORT_OFFSET=(\\d+)$`, "m"));
      const suggested = Number(/PORT_OFFSET=(\d+)/.exec(result.stderr)![1]);
      assert.ok(suggested > offset && suggested % 100 === offset % 100, "a free offset, 100s above");
      assert.doesNotMatch(result.stdout, /started \(pid/, "nothing was started");
      assert.equal(fs.existsSync(lockFile), false, "its lock is removed when it exits");
    } finally {
      holder.close();
    }
  });

  it("turns a service's JSON log line into a line a person reads, and leaves other lines as they are", () => {
    const line = JSON.stringify({
      level: 40,
      time: "2026-11-30T03:04:05.000Z",
      service: "users",
      msg: "slow query",
      ms: 812,
      err: { message: "boom", stack: "Error: boom\n    at x" },
    });
    const shown = prettyLogLine("users", line)!.replace(/\x1b\[[0-9;]*m/g, ""); // eslint-disable-line no-control-regex -- colors off
    assert.match(shown, /^\d\d:\d\d:\d\d WARN {2}users +slow query ms=812 err="boom"\n {4}Error: boom\n {8}at x$/);
    assert.match(prettyLogLine("gateway", "\t* Mode: unmanaged")!, /gateway +\t\* Mode: unmanaged$/);
    // The supervisor's own probes while services start are left out.
    assert.equal(prettyLogLine("users", JSON.stringify({ level: 30, msg: "request", path: "/ready", status: 200 })), undefined);
    assert.notEqual(prettyLogLine("users", JSON.stringify({ level: 30, msg: "request", path: "/ready", status: 503 })), undefined);
  });
});

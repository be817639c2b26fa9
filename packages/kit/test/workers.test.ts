import "reflect-metadata";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { defineSubgraph } from "../src/descriptor";
import { runWorker } from "../src/runner";
import { createTestDatabase } from "../src/testing";
import fixture, { patientRuns } from "./worker-subgraph";

const WORK = path.join(__dirname, "..", "src", "work.js");

/** `work.js` for the fixture, loaded by folder: its `dist/src/subgraph.js` is the compiled fixture. */
function fixtureFolder(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "solo-worker-fixture-"));
  fs.mkdirSync(path.join(dir, "dist", "src"), { recursive: true });
  fs.writeFileSync(path.join(dir, "dist", "src", "subgraph.js"), `module.exports = require(${JSON.stringify(path.join(__dirname, "worker-subgraph.js"))});\n`);
  return dir;
}

/** One worker process; `output` is what it has printed so far, `exited` its exit code. */
function startWorkerProcess(folder: string, worker: string, databaseUrl: string) {
  const child = spawn(process.execPath, [WORK, folder, worker], {
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  // "close", not "exit": a process's last lines may still be in its pipes when it has exited.
  const result = { child, output: "", exited: new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code))) };
  child.stdout.on("data", (chunk: Buffer) => (result.output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (result.output += chunk.toString()));
  return result;
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The messages of the JSON log lines a process printed, in order. */
const messages = (output: string) =>
  output
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => (JSON.parse(line) as { msg: string }).msg);

describe("subgraph workers", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let folder: string;
  before(async () => {
    database = await createTestDatabase("workers");
    folder = fixtureFolder();
  });
  after(async () => {
    fs.rmSync(folder, { recursive: true, force: true });
    await database.drop();
  });

  it("runs a worker with the services its descriptor builds; stop() aborts its signal, awaits its run, then closes the database", async () => {
    const worker = await runWorker(fixture, "patient", { databaseUrl: database.url, settings: { greeting: "hi" } });
    await waitFor(() => patientRuns.some((run) => run.workerId === worker.workerId), "the run to start");
    const run = patientRuns.find((candidate) => candidate.workerId === worker.workerId)!;
    assert.equal(worker.name, "patient");
    assert.deepEqual(worker.services, { greeting: "hi from worker-fixture" });
    assert.equal(run.greeting, "hi from worker-fixture");
    assert.equal(run.database, 1);
    assert.match(worker.workerId, new RegExp(`^${os.hostname()}:${process.pid}:[0-9a-f]{8}$`));
    assert.equal(run.signal.aborted, false);

    const stopped = worker.stop();
    assert.equal(run.signal.aborted, true, "stop() aborts the signal at once");
    assert.equal(run.returned, false);
    await stopped;
    assert.equal(run.returned, true, "stop() resolves only after the run has returned");
    await worker.done;
    assert.equal(await worker.orm.isConnected(), false);
  });

  it("gives each running worker an id of its own", async () => {
    const workers = await Promise.all([1, 2].map(() => runWorker(fixture, "patient", { databaseUrl: database.url })));
    try {
      assert.notEqual(workers[0].workerId, workers[1].workerId);
    } finally {
      await Promise.all(workers.map((worker) => worker.stop()));
    }
  });

  it("rejects done and stop() with what a run threw, and refuses a worker the descriptor does not declare", async () => {
    const worker = await runWorker(fixture, "failing", { databaseUrl: database.url });
    await assert.rejects(worker.done, /the failing worker failed/);
    await assert.rejects(worker.stop(), /the failing worker failed/);
    assert.equal(await worker.orm.isConnected(), false);
    await assert.rejects(runWorker(fixture, "absent", { databaseUrl: database.url }), /worker-fixture has no worker absent \(it has: patient, failing\)/);
  });

  it("refuses a descriptor that declares two workers with one name", () => {
    const run = async () => {};
    assert.throws(
      () =>
        defineSubgraph({
          name: "twice",
          schema: "twice",
          entities: [],
          migrations: "",
          resolvers: [],
          workers: [
            { name: "a", run },
            { name: "b", run },
            { name: "a", run },
          ],
        }),
      /twice: two workers are named a/,
    );
  });

  it("as a process: runs until SIGTERM, then exits 0 once the run has returned", async () => {
    const worker = startWorkerProcess(folder, "patient", database.url);
    await waitFor(() => messages(worker.output).includes("worker running"), "the worker to run", 8_000);
    worker.child.kill("SIGTERM");
    assert.equal(await worker.exited, 0, worker.output);
    const logged = messages(worker.output);
    assert.ok(logged.indexOf("patient worker returned") > logged.indexOf("shutting down"), logged.join(" / "));
    assert.equal(logged.at(-1), "stopped");
  });

  it("as a process: exits 1 when the run throws", async () => {
    const worker = startWorkerProcess(folder, "failing", database.url);
    assert.equal(await worker.exited, 1, worker.output);
    assert.ok(messages(worker.output).includes("the worker's run failed"), worker.output);
  });
});

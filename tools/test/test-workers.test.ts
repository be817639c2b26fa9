import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { portRange, projectRoot } from "@solo/kit";
import type { RunnerEvent } from "../src/test-workers";
import { decodeEvents, encodeEvent, shareFiles } from "../src/test-workers";

describe("test workers", () => {
  it("share the files so that they finish together, longest first to the lightest, each share in the order given", () => {
    const ms: Record<string, number> = { a: 90, b: 60, c: 50, d: 40, e: 10 };
    // a → 1 (90); b → 2 (60); c → 2 (110); d → 1 (130); e → 2 (120)
    assert.deepEqual(
      shareFiles(["a", "b", "c", "d", "e"], 2, (file) => ms[file]),
      [
        ["a", "d"],
        ["b", "c", "e"],
      ],
    );
    assert.deepEqual(
      shareFiles(["new", "a", "b"], 2, (file) => ms[file]),
      [["new", "b"], ["a"]],
      "a file never measured counts as the longest measured (90): b goes to the first of two shares of 90",
    );
    assert.deepEqual(
      shareFiles(["a"], 4, (file) => ms[file]),
      [["a"]],
      "no worker without a file",
    );
  });

  it("send a failure's error whole: its kind, message, stack, fields and cause", async () => {
    let assertion: Error | undefined;
    try {
      assert.deepEqual({ list: [1, 2] }, { list: [1, 3] });
    } catch (error) {
      assertion = error as Error;
    }
    const failure = Object.assign(new Error("test failed", { cause: assertion }), { code: "ERR_TEST_FAILURE", failureType: "testCodeFailure", check: () => true });
    const events: RunnerEvent[] = [
      { type: "test:fail", data: { name: "fails", nesting: 1, details: { duration_ms: 3, error: failure } } },
      { type: "test:pass", data: { name: "passes", nesting: 0, file: "/x.test.js", details: { duration_ms: 1 } } },
    ];
    const pipe = new PassThrough();
    // Split anywhere: frames may arrive in pieces.
    const bytes = Buffer.concat(events.map(encodeEvent));
    for (let at = 0; at < bytes.length; at += 7) pipe.write(bytes.subarray(at, at + 7));
    pipe.end();
    const received: RunnerEvent[] = [];
    for await (const event of decodeEvents(pipe)) received.push(event);
    assert.equal(received.length, 2);
    assert.deepEqual(received[1], events[1]);
    const error = received[0].data!.details!.error as Error & { code: string; failureType: string; check: string };
    assert.ok(error instanceof Error);
    assert.equal(error.message, "test failed");
    assert.equal(error.code, "ERR_TEST_FAILURE");
    assert.equal(error.failureType, "testCodeFailure");
    assert.equal(error.check, "[Function: check]", "a field V8 cannot copy comes as its text");
    assert.equal(error.stack, failure.stack);
    const cause = error.cause as Error & { actual: unknown; expected: unknown; operator: string };
    assert.equal(cause.name, "AssertionError");
    assert.deepEqual([cause.actual, cause.expected, cause.operator], [{ list: [1, 2] }, { list: [1, 3] }, "deepStrictEqual"]);
  });

  it("report every worker's results once, with one summary, and a worker that dies as a failure naming the files it did not report", { timeout: 60_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "solo-workers-"));
    try {
      const write = (name: string, body: string) => {
        fs.writeFileSync(path.join(dir, name), `const { test } = require("node:test");\nconst assert = require("node:assert/strict");\n${body}\n`);
        return path.join(dir, name);
      };
      const files = [
        write("exits.test.cjs", `test("ends the process", () => { console.log("ports " + process.env.TEST_PORT_RANGE); process.exit(7); });`),
        write("fails.test.cjs", `test("fails on purpose", () => assert.equal(1, 2));`),
        write("after-exit.test.cjs", `test("never runs", () => {});`),
        write("passes.test.cjs", `test("one passes", () => console.log("ports " + process.env.TEST_PORT_RANGE)); test("two passes", () => {});`),
      ];
      const env: NodeJS.ProcessEnv = { ...process.env, TEST_CONCURRENCY: "2" };
      delete env.NODE_TEST_CONTEXT;
      // None measured, so each counts the same: the shares are exits and after-exit, then fails and passes.
      const outcome = await promisify(execFile)(process.execPath, [path.join(projectRoot(), "tools", "dist", "src", "test-driver.js"), ...files], { env }).then(
        () => assert.fail("the run must fail"),
        (error: { code: number; stdout: string }) => error,
      );
      assert.equal(outcome.code, 1);
      const { stdout } = outcome;
      assert.match(stdout, /✔ one passes/);
      assert.match(stdout, /✖ fails on purpose/);
      assert.match(stdout, /test worker \d ended with exit code 7 before its run did; no results from .*exits\.test\.cjs, .*after-exit\.test\.cjs/);
      assert.doesNotMatch(stdout, /never runs/);
      assert.equal(stdout.match(/failing tests:/g)?.length, 1, stdout);
      assert.equal(stdout.match(/ℹ tests /g)?.length, 1, stdout);
      assert.match(stdout, /ℹ pass 2\n/);
      // Each worker picks ports for its services in its own part of this process's range.
      const ranges = [...stdout.matchAll(/^ports (\d+)-(\d+)$/gm)].map((match) => [Number(match[1]), Number(match[2])]).sort((a, b) => a[0] - b[0]);
      assert.equal(ranges.length, 2, stdout);
      assert.ok(ranges[0][0] >= portRange().low && ranges[1][1] < portRange().high && ranges[0][1] < ranges[1][0], JSON.stringify(ranges));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

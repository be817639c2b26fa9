import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { projectRoot } from "@solo/kit";
import { findTests, selectTests, slowestFirst, sourceOf } from "../src/test-files";

const root = projectRoot();
const files = findTests(root);
const relative = (selected: string[]) => selected.map((file) => sourceOf(root, file));

describe("npm test -- <pattern>", () => {
  it("finds compiled tests of every kind of workspace and names them by their source", () => {
    const sources = relative(files);
    for (const expected of [
      "e2e/test/uploads.test.ts",
      "tools/test/test-files.test.ts",
      "packages/kit/test/format-error.test.ts",
      "subgraphs/users/test/passwords.test.ts",
    ]) {
      assert.ok(sources.includes(expected), `${expected} is found`);
    }
    assert.equal(sourceOf(root, path.join(root, "e2e", "dist", "test", "uploads.test.js")), "e2e/test/uploads.test.ts");
  });

  it("selects by a word, a source path, a compiled path, a ./ path from elsewhere and an absolute path", () => {
    const uploads = ["e2e/test/uploads.test.ts"];
    assert.deepEqual(relative(selectTests(root, files, ["uploads.test"]).selected), uploads);
    assert.deepEqual(relative(selectTests(root, files, ["e2e/test/uploads.test.ts"]).selected), uploads);
    assert.deepEqual(relative(selectTests(root, files, ["e2e/dist/test/uploads"]).selected), uploads);
    assert.deepEqual(relative(selectTests(root, files, ["./test/uploads.test.ts"], path.join(root, "e2e")).selected), uploads);
    assert.deepEqual(relative(selectTests(root, files, [path.join(root, "e2e", "test", "uploads.test.ts")]).selected), uploads);
    const both = selectTests(root, files, ["uploads.test", "format-error"]);
    assert.deepEqual(relative(both.selected).sort(), ["e2e/test/uploads.test.ts", "packages/kit/test/format-error.test.ts"]);
    assert.deepEqual(both.unmatched, []);
  });

  it("selects a folder's tests, and everything with no pattern", () => {
    const gateway = relative(selectTests(root, files, ["gateway/test"]).selected);
    assert.ok(gateway.length > 0 && gateway.every((file) => file.startsWith("gateway/test/")));
    assert.equal(selectTests(root, files, []).selected.length, files.length);
  });

  it("reports a pattern that matches nothing, even beside one that matches", () => {
    assert.deepEqual(selectTests(root, files, ["uploads.test", "no-such-test"]).unmatched, ["no-such-test"]);
  });

  it("starts the slowest files first, by the durations of earlier runs, and files never measured before them", () => {
    const [a, b, c, d] = ["e2e/test/uploads.test.ts", "e2e/test/cors.test.ts", "tools/test/start.test.ts", "tools/test/test-files.test.ts"];
    const compiled = (source: string) => files.find((file) => sourceOf(root, file) === source)!;
    const ordered = slowestFirst(root, [a, b, c, d].map(compiled), { [a]: 20_000, [b]: 5_000, [c]: 90_000 });
    assert.deepEqual(relative(ordered), [d, c, a, b]);
  });

  it("exits non-zero, naming the pattern, before starting anything", async () => {
    const run = promisify(execFile)(process.execPath, [path.join(root, "tools", "dist", "src", "run-tests.js"), "no-such-test-file"], { cwd: root });
    const failure = await run.then(
      () => assert.fail("a pattern matching nothing must fail"),
      (error: { code: number; stderr: string; stdout: string }) => error,
    );
    assert.equal(failure.code, 2);
    assert.match(failure.stderr, /No test file matches "no-such-test-file"/);
    assert.doesNotMatch(failure.stdout, /embedded Postgres/);
  });

  it("refuses a runner option it does not pass on, naming the ones it does", async () => {
    const run = promisify(execFile)(process.execPath, [path.join(root, "tools", "dist", "src", "run-tests.js"), "cors", "--test-reporter=tap"], { cwd: root });
    const failure = await run.then(
      () => assert.fail("an unknown option must fail"),
      (error: { code: number; stderr: string }) => error,
    );
    assert.equal(failure.code, 2);
    assert.match(failure.stderr, /npm test does not take --test-reporter=tap: it takes --test-name-pattern=<regexp>/);
  });

  it("runs the files in the order given (node --test sorted them by name), and exits 1 when one fails", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "solo-driver-"));
    try {
      const log = path.join(dir, "order.log");
      const names = ["c-slowest", "a-slower", "b-fails"];
      for (const name of names) {
        const body = name === "b-fails" ? "throw new Error('fails on purpose')" : "";
        fs.writeFileSync(
          path.join(dir, `${name}.test.cjs`),
          `require("node:test").test("${name}", () => { require("node:fs").appendFileSync(${JSON.stringify(log)}, "${name}\\n"); ${body} });\n`,
        );
      }
      // A run of its own, not a part of this one: without the variable by which Node's runner tells its files so.
      const env: NodeJS.ProcessEnv = { ...process.env, TEST_CONCURRENCY: "1" };
      delete env.NODE_TEST_CONTEXT;
      const run = promisify(execFile)(
        process.execPath,
        [path.join(root, "tools", "dist", "src", "test-driver.js"), ...names.map((name) => path.join(dir, `${name}.test.cjs`))],
        {
          env,
        },
      );
      const failure = await run.then(
        () => assert.fail("a failing file must fail the run"),
        (error: { code: number; stdout: string }) => error,
      );
      assert.equal(failure.code, 1);
      assert.match(failure.stdout, /fails on purpose/);
      assert.deepEqual(fs.readFileSync(log, "utf8").trim().split("\n"), names);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

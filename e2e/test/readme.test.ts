import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { execFile, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import { projectRoot, readSubgraphs } from "@solo/kit";
import { RegistryClient } from "@solo/registry";
import { seed } from "@solo/tools/dist/src/seed";
import type { ReadmeBlock } from "../src/readme";
import { matchesOutput, readmeBlocks, talksToApi } from "../src/readme";
import type { Stack } from "../src/stack";
import { startStack } from "../src/stack";
import { runGraphqlBlock } from "../src/readme-graphql";

const run = promisify(execFile);

/** What a `runs` mark may ask for. */
const OPTIONS = new Set([
  // started and left running (a subscriber) while the blocks after it run; stopped at the end
  "background",
  // run again (a reader would) until the background block has printed what its output block says
  "repeated until the background block prints",
  // run in the repository's checkout, where the reader ran npm start, rather than a directory of their own
  "in the checkout",
]);

/** How long a foreground block (shell or Node) may run before it is killed and fails. */
const BLOCK_TIMEOUT_MS = 60_000;

/** A 1×1 PNG: the README's upload sends `me.png` from the reader's directory. */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");

/** The project's Node, and the first `node` on the machine's PATH outside the project when it is another major version. */
function nodes(): string[] {
  const found = (process.env.PATH ?? "")
    .split(path.delimiter)
    .filter((dir) => dir && !path.resolve(dir).startsWith(projectRoot()))
    .map((dir) => path.join(dir, "node"))
    .find((candidate) => fs.existsSync(candidate));
  if (!found) return [process.execPath];
  const major = execFileSync(found, ["-p", "process.versions.node.split('.')[0]"], { encoding: "utf8" }).trim();
  return major === process.versions.node.split(".")[0] ? [process.execPath] : [process.execPath, found];
}

const blocks = readmeBlocks();
const runnable = blocks.filter((block) => block.runs);

/**
 * README.md's examples as a reader runs them: every block marked `runs`, in order, against one
 * started platform with the demo data loaded (npm start offers it on an empty database). Shell
 * blocks run in bash as one session (variables one block sets are there in the next, as in one
 * terminal), in a directory of the reader's own; JavaScript blocks run with Node as a reader's
 * `.mjs` file with the packages installed. The README's addresses (127.0.0.1:4000 and :4100) are
 * rewritten to the stack's. A block passes when it exits 0 and prints its output block, or, with
 * none, prints something and no GraphQL error.
 */
describe("README.md's examples, run against a started platform", () => {
  let stack: Stack;
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "solo-readme-"));
  const stateFile = path.join(home, ".state.sh");
  let baseline: string[];
  const background: { block: ReadmeBlock; binary: string; child: ChildProcess; stdout: () => string; stderr: () => string }[] = [];

  before(async () => {
    // What a reader's shell needs for the README's commands: missing ones fail here, by name.
    for (const tool of ["bash", "curl", "jq"]) await run("sh", ["-c", `command -v ${tool}`]).catch(() => assert.fail(`the README's examples need ${tool}: install it`));
    stack = await startStack({ registry: {} });
    // What npm start gives its registry besides the subgraphs: the client's trusted documents and
    // the partner variant. The demo and the registry are independent: made at once. The partner's
    // key is the README's own block's (the demo admin makes it), as every variable a block uses.
    const registry = new RegistryClient({ url: stack.registryUrl! });
    const manifest = JSON.parse(fs.readFileSync(path.join(projectRoot(), "clients", "persisted-query-manifest.json"), "utf8")) as unknown;
    await Promise.all([
      seed(stack.databaseUrl, () => undefined),
      registry.publishOperations({ client: { name: "solo-web", version: "readme" }, manifest }),
      registry.putVariant("partner", { exclude: ["internal"] }),
    ]);
    fs.writeFileSync(path.join(home, "me.png"), PNG);
    fs.symlinkSync(path.join(projectRoot(), "node_modules"), path.join(home, "node_modules"));
    fs.writeFileSync(stateFile, "");
    baseline = (await run("bash", ["-c", "compgen -v"], { env: shellEnv() })).stdout.split("\n");
  });
  after(async () => {
    for (const { child } of background) child.kill();
    await stack?.close();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it("marks every block that talks to the API, and knows every option of the marks", () => {
    const unmarked = blocks.filter((block) => talksToApi(block) && !block.runs);
    assert.deepEqual(
      unmarked.map((block) => `README.md:${block.line} (${block.section})`),
      [],
      "mark these with <!-- runs --> and give them what they print (<!-- output -->)",
    );
    for (const block of runnable)
      for (const option of block.runs!) if (!OPTIONS.has(option) && block.lang !== "graphql") assert.fail(`README.md:${block.line}: unknown option "${option}"`);
    for (const block of runnable) assert.ok(["sh", "js", "graphql"].includes(block.lang), `README.md:${block.line}: cannot run a ${block.lang} block`);
    assert.ok(runnable.length >= 10, `only ${runnable.length} blocks are marked`);
  });

  /** The README's addresses (the gateway's, the registry's, each subgraph's rover.yaml URL), pointed at the stack. */
  const localised = (code: string) =>
    readSubgraphs()
      .reduce((text, entry) => text.split(entry.routingUrl).join(stack.subgraphUrls[entry.name]), code)
      .split("ws://127.0.0.1:4000")
      .join(stack.wsUrl.replace(/\/graphql$/, ""))
      .split("http://127.0.0.1:4000")
      .join(stack.origin)
      .split("http://127.0.0.1:4100")
      .join(new URL(stack.registryUrl!).origin);

  /**
   * A reader's terminal: PATH, HOME and LANG, nothing of the test's (DATABASE_URL, REDIS_URL, …),
   * so a block passes only on what the README's blocks before it set (the session's state file).
   */
  function shellEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const name of ["PATH", "HOME", "LANG"]) if (process.env[name] !== undefined) env[name] = process.env[name];
    return env;
  }

  /** bash with the session's variables, then the block, then the variables it leaves for the next. */
  async function shell(block: ReadmeBlock): Promise<string> {
    const cwd = block.runs!.includes("in the checkout") ? projectRoot() : home;
    const keep = path.join(home, ".baseline");
    fs.writeFileSync(keep, baseline.join("\n"));
    const script = [
      "set -euo pipefail",
      `source ${stateFile}`,
      localised(block.code),
      `names=$(compgen -v | grep -vxFf ${keep} | grep -vE '^(BASH|PIPESTATUS$|_$)' || true)`,
      `if [ -n "$names" ]; then declare -p $names > ${stateFile}; fi`,
    ].join("\n");
    try {
      const { stdout } = await run("bash", ["-c", script], { cwd, env: shellEnv(), timeout: BLOCK_TIMEOUT_MS });
      return stdout;
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string; message: string };
      assert.fail(`README.md:${block.line} failed: ${failed.message}\nstdout: ${failed.stdout}\nstderr: ${failed.stderr}`);
    }
  }

  /**
   * A js block as the reader's `.mjs` file, run in the shell's environment (its exported variables)
   * with each Node at hand: the project's, and the machine's own when it is another major version
   * (Node 20 here, which has no global WebSocket: what the subscription example once forgot).
   */
  function node(block: ReadmeBlock) {
    const file = path.join(home, `block-${block.line}.mjs`);
    fs.writeFileSync(file, localised(block.code));
    return nodes().map((binary) => {
      const child = spawn("bash", ["-c", `source ${stateFile} && exec "${binary}" ${file}`], { cwd: home, env: shellEnv() });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
      return { binary, child, exited, stdout: () => stdout, stderr: () => stderr };
    });
  }

  function checkOutput(block: ReadmeBlock, output: string) {
    if (block.output) {
      const result = matchesOutput(block.output, output);
      assert.ok(result.ok, `README.md:${block.line} printed\n${output}\nwithout a line like\n${result.ok ? "" : result.missing}`);
    } else {
      // A call that printed nothing (an empty answer, a command that never ran) proves nothing.
      if (block.lang === "js" || talksToApi(block))
        assert.notEqual(output.trim(), "", `README.md:${block.line} printed nothing: give it an output block, or make it print what it got`);
      // GraphQL's errors, and the registry's.
      assert.doesNotMatch(output, /"errors?":/, `README.md:${block.line} printed errors:\n${output}`);
    }
  }

  for (const block of runnable) {
    it(`runs README.md:${block.line} (${block.section}, ${block.lang}${block.runs!.length ? `: ${block.runs!.join(", ")}` : ""})`, async () => {
      if (block.lang === "graphql") {
        await runGraphqlBlock(stack, block);
        return;
      }
      if (block.lang === "js") {
        const started = node(block);
        if (block.runs!.includes("background")) {
          background.push(...started.map((running) => ({ block, ...running })));
          return;
        }
        // As a shell block: a program that never ends (an open socket, a pending promise) fails, killed.
        // Each Node runs the block at once; the time counts for all, and none outlives the block.
        const deadline = Date.now() + BLOCK_TIMEOUT_MS;
        try {
          for (const running of started) {
            let timer: NodeJS.Timeout | undefined;
            const timedOut = new Promise<"timed out">((resolve) => (timer = setTimeout(() => resolve("timed out"), Math.max(0, deadline - Date.now()))));
            const code = await Promise.race([running.exited, timedOut]).finally(() => clearTimeout(timer));
            if (code === "timed out")
              assert.fail(
                `README.md:${block.line} still ran after ${BLOCK_TIMEOUT_MS / 1000} s on ${running.binary}: killed\nstdout: ${running.stdout()}\nstderr: ${running.stderr()}`,
              );
            assert.equal(code, 0, `README.md:${block.line} exited ${code} on ${running.binary}: ${running.stderr()}`);
            checkOutput(block, running.stdout());
          }
        } finally {
          for (const { child } of started) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
        }
        return;
      }
      if (block.runs!.includes("repeated until the background block prints")) {
        const last = background.at(-1)?.block;
        assert.ok(last, `README.md:${block.line}: no background block before it`);
        const expected = last.output;
        assert.ok(expected, `README.md:${last.line}: a background block needs its output block`);
        const deadline = Date.now() + 15_000;
        for (const subscriber of background.filter((running) => running.block === last)) {
          for (;;) {
            if (matchesOutput(expected, subscriber.stdout()).ok) break;
            checkOutput(block, await shell(block));
            // A subscriber that exited (a crash, an error) will print nothing more.
            assert.ok(
              Date.now() < deadline && subscriber.child.exitCode === null && subscriber.child.signalCode === null,
              `README.md:${last.line} on ${subscriber.binary} printed\n${subscriber.stdout()}\n(stderr ${subscriber.stderr()})\nnot\n${expected.join("\n")}`,
            );
            await new Promise((resolve) => setTimeout(resolve, 250));
          }
        }
        return;
      }
      checkOutput(block, await shell(block));
    });
  }
});

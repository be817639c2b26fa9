import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { projectRoot } from "@solo/kit";
import { loadContractOperations } from "../src/contract";

const root = projectRoot();
const generated = path.join(root, "packages", "client", "src", "generated", "graphql.ts");

function run(args: string[]): Promise<{ code: number | null; output: string }> {
  // The pinned Node first on PATH, as `npm run` has it: codegen's hook runs `node`.
  const env = { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}` };
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, output })));
}

describe("the typed documents of @solo/client (graphql-codegen)", () => {
  it("are checked in exactly as `npm run codegen` writes them", { timeout: 120_000 }, async () => {
    const { code, output } = await run([path.join(root, "node_modules", "@graphql-codegen", "cli", "cjs", "bin.js"), "--config", "codegen.yml", "--check"]);
    assert.equal(code, 0, `stale: run \`npm run codegen\`\n${output}`);
  });

  it("type every contract operation, each once, and nothing else", async () => {
    const text = fs.readFileSync(generated, "utf8");
    const written = [...text.matchAll(/^export const (\w+)Document = new TypedDocumentString\(/gm)].map((match) => match[1]);
    const expected = loadContractOperations().map((operation) => operation.name);
    assert.equal(expected.length, 71);
    assert.deepEqual([...written].sort(), [...expected].sort());
    for (const name of expected) assert.match(text, new RegExp(`^export type ${name}(Query|Mutation|Subscription) = `, "m"), `${name}'s result type`);
  });

  it("pass the count check of codegen's hook", async () => {
    const { code, output } = await run([path.join(root, "clients", "check-generated.js")]);
    assert.equal(code, 0, output);
    assert.match(output, /71 of 71 contract operations typed/);
  });

  it("fail codegen for an operation the schema cannot serve, whether it is not built yet or contradicts the schema", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- codegen's loader is a CommonJS file outside the TypeScript projects
    const loadContractDocuments = require(path.join(root, "clients", "contract-documents.js")) as (pointer: string) => { definitions: unknown[] };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "solo-codegen-"));
    try {
      fs.writeFileSync(path.join(dir, "a.graphql"), "query Fine { me { id } }\nquery NotYet { somethingLater { id } }\nquery Wrong { me { id(x: 1) } }\n");
      assert.throws(() => loadContractDocuments(dir), /2 of 3 contract operations cannot be typed:\n.*NotYet.*\n.*Wrong/);
      fs.writeFileSync(path.join(dir, "a.graphql"), "query Fine { me { id } }\n");
      assert.equal(loadContractDocuments(dir).definitions.length, 1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

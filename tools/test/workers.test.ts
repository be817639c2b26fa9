import "reflect-metadata";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { defineSubgraph, envInt, projectRoot, subgraphEntry } from "@solo/kit";
import YAML from "yaml";
import { workerProcesses, workerProcessesOf } from "../src/workers";

const run = async () => {};
/** A subgraph with a worker whose replicas come from its settings, and one left at the default. */
const printing = defineSubgraph({
  name: "printing",
  schema: "printing",
  entities: [],
  migrations: "",
  resolvers: [],
  settings: (env) => ({ presses: envInt("PRESSES", 2, env) }),
  workers: [
    { name: "press", replicas: (settings) => settings.presses, run },
    { name: "binder", run },
  ],
});

describe("the worker processes npm start runs", () => {
  it("runs replicas(settings) of each worker, one by default, named by subgraph, worker and replica", () => {
    assert.deepEqual(workerProcessesOf(printing, {}), [
      { subgraph: "printing", worker: "press", replica: 1, replicas: 2, name: "printing press 1" },
      { subgraph: "printing", worker: "press", replica: 2, replicas: 2, name: "printing press 2" },
      { subgraph: "printing", worker: "binder", replica: 1, replicas: 1, name: "printing binder 1" },
    ]);
    assert.deepEqual(
      workerProcessesOf(printing, { PRESSES: "0" }).map((process) => process.name),
      ["printing binder 1"],
      "settings are read from the env given; 0 replicas: none",
    );
  });

  it("refuses a replica count that is not a whole number of processes", () => {
    for (const replicas of [-1, 1.5, Number.NaN]) {
      const odd = defineSubgraph({ ...printing, workers: [{ name: "press", replicas: () => replicas, run }] });
      assert.throws(() => workerProcessesOf(odd, {}), /printing's worker press: replicas must be a whole number, 0 or more/);
    }
  });

  it("reads no settings of a subgraph without workers", () => {
    const unreadable = defineSubgraph({
      ...printing,
      workers: undefined,
      settings: () => {
        throw new Error("not set");
      },
    });
    assert.deepEqual(workerProcessesOf(unreadable, {}), []);
  });

  describe("from rover.yaml", () => {
    let root: string;
    before(() => {
      // A project listing a real subgraph of this repository and the one above, each loaded from its folder.
      root = fs.mkdtempSync(path.join(os.tmpdir(), "solo-workers-"));
      const users = subgraphEntry("users", projectRoot());
      const descriptors: Record<string, string> = {
        users: `module.exports = require(${JSON.stringify(path.join(users.dir, "dist", "src", "subgraph.js"))});`,
        printing: `const { defineSubgraph, envInt } = require(${JSON.stringify(require.resolve("@solo/kit"))});
const run = async () => {};
exports.default = defineSubgraph({
  name: "printing", schema: "printing", entities: [], migrations: "", resolvers: [],
  settings: (env) => ({ presses: envInt("PRESSES", 2, env) }),
  workers: [{ name: "press", replicas: (settings) => settings.presses, run }],
});`,
      };
      const subgraphs: Record<string, unknown> = {};
      for (const [name, source] of Object.entries(descriptors)) {
        fs.mkdirSync(path.join(root, "subgraphs", name, "dist", "src"), { recursive: true });
        fs.writeFileSync(path.join(root, "subgraphs", name, "dist", "src", "subgraph.js"), source);
        subgraphs[name] = { routing_url: `http://127.0.0.1:${4100 + Object.keys(subgraphs).length}/graphql`, schema: { file: `schema/${name}.graphql` } };
      }
      fs.writeFileSync(path.join(root, "rover.yaml"), YAML.stringify({ federation_version: "=2.9.0", subgraphs }));
    });
    after(() => fs.rmSync(root, { recursive: true, force: true }));

    it("lists the workers of the subgraphs that declare some, with the settings of the env given", () => {
      assert.deepEqual(
        workerProcesses(root, { PRESSES: "3" }).map((process) => process.name),
        ["printing press 1", "printing press 2", "printing press 3"],
      );
    });
  });
});

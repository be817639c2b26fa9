import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { Kind, buildSchema, parse } from "graphql";
import { parseManifest } from "@solo/registry";
import { buildClientManifest, clientManifestPath, readClientManifest, serializeManifest } from "../src/client-manifest";
import { loadContractOperations } from "../src/contract";

describe("the client manifest (trusted documents)", () => {
  it("is checked in exactly as `npm run manifest` writes it from clients/operations", () => {
    assert.equal(fs.readFileSync(clientManifestPath(), "utf8"), serializeManifest(buildClientManifest()), "run `npm run manifest`");
  });

  it("holds every contract operation once, each with the fragments it uses, under the sha256 of its body", () => {
    const manifest = buildClientManifest();
    assert.equal(manifest.format, "apollo-persisted-query-manifest");
    assert.equal(manifest.version, 1);
    const names = loadContractOperations().map((operation) => operation.name);
    assert.deepEqual(
      manifest.operations.map((operation) => operation.name),
      names,
    );
    assert.equal(new Set(names).size, names.length, "operation names are unique");
    for (const operation of manifest.operations) {
      assert.equal(operation.id, createHash("sha256").update(operation.body).digest("hex"), operation.name);
      const document = parse(operation.body);
      const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
      assert.equal(operations.length, 1, `${operation.name} is one operation`);
      assert.equal(operations[0].kind === Kind.OPERATION_DEFINITION && operations[0].operation, operation.type);
      for (const definition of document.definitions) {
        if (definition.kind !== Kind.FRAGMENT_DEFINITION) continue;
        assert.ok(operation.body.includes(`...${definition.name.value}`), `${operation.name} uses fragment ${definition.name.value}`);
      }
    }
    assert.ok(manifest.operations.some((operation) => operation.type === "subscription"));
  });

  it("is what the registry accepts: parseManifest reads the checked-in file to the same operations", () => {
    const manifest = readClientManifest();
    assert.deepEqual(parseManifest(manifest).operations, manifest.operations);
  });

  it("leaves out an operation the schema cannot serve yet and refuses one that contradicts it", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "solo-manifest-"));
    try {
      const schema = buildSchema("type Query { hello(name: String!): String }");
      fs.writeFileSync(path.join(dir, "a.graphql"), 'query Hello { hello(name: "x") }\nquery Later { later }\n');
      assert.deepEqual(
        buildClientManifest(schema, dir).operations.map((operation) => operation.name),
        ["Hello"],
      );
      fs.writeFileSync(path.join(dir, "b.graphql"), "query Wrong { hello(name: 1) }\n");
      assert.throws(() => buildClientManifest(schema, dir), /b\.graphql: Wrong does not fit the schema/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { parse } from "graphql";
import { RegistryError } from "../src/errors";
import { documentHash, parseManifest } from "../src/manifest";
import { manifestOf, splitOperations } from "../src/split-operations";

const me = "query Me { me { id } }";
const rename = 'mutation Rename { rename(name: "x") { id } }';

test("documentHash is the sha256 hex of the UTF-8 text", () => {
  assert.equal(documentHash(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  assert.equal(documentHash("é"), "4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c");
  assert.match(documentHash(me), /^[0-9a-f]{64}$/);
});

test("Apollo's format: name and type come along and are checked against the body", () => {
  const manifest = {
    format: "apollo-persisted-query-manifest",
    version: 1,
    operations: [
      { id: documentHash(me), name: "Me", type: "query", body: me },
      { id: documentHash(rename), name: "Rename", type: "mutation", body: rename },
    ],
  };
  assert.deepEqual(parseManifest(manifest), {
    operations: [
      { id: documentHash(me), name: "Me", type: "query", body: me },
      { id: documentHash(rename), name: "Rename", type: "mutation", body: rename },
    ],
  });
});

test("codegen's hash → body format: name and type are read from the body", () => {
  assert.deepEqual(parseManifest({ [documentHash(rename)]: rename }), {
    operations: [{ id: documentHash(rename), name: "Rename", type: "mutation", body: rename }],
  });
});

function refusal(json: unknown): RegistryError {
  try {
    parseManifest(json);
  } catch (error) {
    assert.ok(error instanceof RegistryError, String(error));
    return error;
  }
  assert.fail("the manifest was accepted");
}

test("an id that is not the body's sha256 is MANIFEST_HASH_MISMATCH, naming each operation", () => {
  const error = refusal({
    format: "apollo-persisted-query-manifest",
    version: 1,
    operations: [
      { id: documentHash(me), name: "Me", type: "query", body: me },
      { id: documentHash(me), name: "Rename", type: "mutation", body: rename },
    ],
  });
  assert.equal(error.code, "MANIFEST_HASH_MISMATCH");
  assert.equal(error.status, 400);
  assert.deepEqual(error.details, { operations: [{ id: documentHash(me), name: "Rename" }] });
});

test("bodies that do not parse, hold two operations, or contradict their entry are INVALID_MANIFEST", () => {
  const entry = (body: string, extra: object = {}) => ({
    format: "apollo-persisted-query-manifest",
    version: 1,
    operations: [{ id: documentHash(body), body, ...extra }],
  });
  for (const [json, message] of [
    [entry("query {"), /Syntax Error/],
    [entry("query A { a } query B { b }"), /exactly one operation, this one 2/],
    [entry("type T { a: Int } query A { a }"), /operation and fragments only/],
    [entry(me, { name: "You" }), /names it You, its body Me/],
    [entry(me, { type: "mutation" }), /says mutation, its body is a query/],
    [{ format: "other", version: 1, operations: [] }, /format must be/],
    [{ format: "apollo-persisted-query-manifest", version: 2, operations: [] }, /version must be 1/],
    [[], /JSON object/],
    [{ abc: 1 }, /must be a string/],
  ] as const) {
    const error = refusal(json);
    assert.equal(error.code, "INVALID_MANIFEST", JSON.stringify(json));
    assert.match(error.message, message);
  }
});

test("splitOperations gives each operation the fragments it uses; manifestOf hashes the printed bodies", () => {
  const documents = splitOperations(
    parse("query A { me { ...F } } query B { me { id } } fragment F on User { ...G } fragment G on User { id } fragment H on User { id }"),
  );
  assert.deepEqual(
    documents.map((document) => document.definitions.map((definition) => ("name" in definition ? definition.name?.value : ""))),
    [["A", "F", "G"], ["B"]],
  );
  const manifest = manifestOf(documents);
  assert.deepEqual(
    manifest.operations.map(({ name, type }) => [name, type]),
    [
      ["A", "query"],
      ["B", "query"],
    ],
  );
  assert.deepEqual(parseManifest(manifest).operations, manifest.operations);
});

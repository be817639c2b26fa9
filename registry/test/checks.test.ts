import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { DefinitionNode, FieldDefinitionNode, GraphQLSchema, ObjectTypeDefinitionNode, ObjectTypeExtensionNode } from "graphql";
import { GraphQLObjectType, Kind, buildSchema, parse, print } from "graphql";
import { projectRoot, readSubgraphs } from "@solo/kit";
import type { CheckReport } from "../src/api-types";
import { operationCoordinates } from "../src/coordinates";
import type { RegistryError } from "../src/errors";
import { documentHash } from "../src/manifest";
import { manifestOf, splitOperations } from "../src/split-operations";
import type { TestRegistry } from "./support";
import { startTestRegistry } from "./support";

const CLIENT = "solo-contract";

/** The contract's operations (clients/operations), one document each. */
function contractDocuments() {
  const dir = path.join(projectRoot(), "clients", "operations");
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith(".graphql"))
    .sort()
    .flatMap((file) => splitOperations(parse(fs.readFileSync(path.join(dir, file), "utf8"))));
}

type ObjectNode = ObjectTypeDefinitionNode | ObjectTypeExtensionNode;
const isObject = (definition: DefinitionNode): definition is ObjectNode =>
  definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.OBJECT_TYPE_EXTENSION;

/** The SDL with field `type.field` gone, or null if this SDL does not define it. */
function withoutField(sdl: string, type: string, field: string): string | null {
  const document = parse(sdl);
  let found = false;
  const definitions = document.definitions.map((definition) => {
    if (!isObject(definition) || definition.name.value !== type) return definition;
    const fields = (definition.fields ?? []).filter((candidate) => candidate.name.value !== field);
    found ||= fields.length !== (definition.fields ?? []).length;
    return { ...definition, fields };
  });
  return found ? print({ ...document, definitions }) : null;
}

function withQueryField(sdl: string, field: FieldDefinitionNode): string {
  const document = parse(sdl);
  const definitions = document.definitions.map((definition) =>
    isObject(definition) && definition.name.value === "Query" ? { ...definition, fields: [...(definition.fields ?? []), field] } : definition,
  );
  return print({ ...document, definitions });
}

describe("checks know the clients: the five subgraphs and the contract's operations", () => {
  let t: TestRegistry;
  const entries = readSubgraphs();
  const sdlOf = (name: string) => fs.readFileSync(entries.find((entry) => entry.name === name)!.schemaFile, "utf8");
  let used: Set<string>;
  let byCoordinate: Map<string, string[]>;

  /** A field `Type.field` one subgraph alone defines whose removal composes: its check report. */
  async function removalCheck(pick: (coordinate: string) => boolean): Promise<{ coordinate: string; report: CheckReport; subgraph: string; sdl: string }> {
    const api = buildSchema((await t.client().apiSchema()).sdl);
    for (const type of Object.values(api.getTypeMap())) {
      if (type.name.startsWith("__") || !(type instanceof GraphQLObjectType)) continue;
      for (const field of Object.keys(type.getFields())) {
        const coordinate = `${type.name}.${field}`;
        if (field === "id" || !pick(coordinate)) continue;
        const owners = entries.map((entry) => ({ entry, sdl: withoutField(sdlOf(entry.name), type.name, field) })).filter((owner) => owner.sdl !== null);
        if (owners.length !== 1) continue;
        const report = await t.client().check(owners[0].entry.name, { sdl: owners[0].sdl! });
        if (!report.compositionErrors.length) return { coordinate, report, subgraph: owners[0].entry.name, sdl: owners[0].sdl! };
      }
    }
    throw new Error("no field fits");
  }

  before(async () => {
    t = await startTestRegistry();
    for (const entry of entries) await t.client().publish(entry.name, { sdl: sdlOf(entry.name), url: entry.routingUrl, author: "test" });
    const documents = contractDocuments();
    const published = await t.client().publishOperations({ client: { name: CLIENT, version: "1.0.0" }, manifest: manifestOf(documents) });
    assert.equal(published.stored, documents.length);
    assert.ok(documents.length > 20, "the contract has its operations");
    const api = buildSchema((await t.client().apiSchema()).sdl);
    byCoordinate = new Map();
    for (const document of documents) {
      const name = (document.definitions[0] as { name?: { value: string } }).name?.value ?? "";
      for (const coordinate of operationCoordinates(api, document)) byCoordinate.set(coordinate, [...(byCoordinate.get(coordinate) ?? []), name]);
    }
    used = new Set(byCoordinate.keys());
  });
  after(() => t.close());

  test("every subgraph and launch is there; publishing the same manifest again stores nothing new", async () => {
    assert.deepEqual((await t.client().subgraphs()).map((subgraph) => subgraph.name).sort(), entries.map((entry) => entry.name).sort());
    assert.equal((await t.client().launches()).length, entries.length);
    const again = await t.client().publishOperations({ client: { name: CLIENT, version: "1.0.0" }, manifest: manifestOf(contractDocuments()) });
    assert.deepEqual(again, { stored: 0, unchanged: contractDocuments().length });
  });

  test("removing a field a contract operation uses fails, naming the operation and its client", async () => {
    const { coordinate, report } = await removalCheck((candidate) => used.has(candidate));
    assert.equal(report.ok, false);
    const change = report.changes.find((entry) => entry.path === coordinate);
    assert.equal(change?.criticality, "BREAKING");
    const names = byCoordinate.get(coordinate)!;
    assert.deepEqual(change.affected.map((operation) => operation.name).sort(), [...new Set(names)].sort());
    assert.deepEqual(change.affected[0].clients, [{ name: CLIENT, version: "1.0.0" }]);
    assert.equal(change.affected[0].source, "trusted");
    assert.ok(report.failedOperations.some((operation) => names.includes(operation.name) && operation.errors.some((error) => error.includes(coordinate.split(".")[1]))));
    assert.equal(report.checkedOperations, contractDocuments().length);
  });

  test("removing a field no operation uses passes with a warning; a usage-only operation then protects it", async () => {
    const { coordinate, report, subgraph, sdl } = await removalCheck(
      (candidate) => !used.has(candidate) && !candidate.startsWith("Query.") && !candidate.startsWith("Mutation.") && !candidate.startsWith("Subscription."),
    );
    assert.equal(report.ok, true, JSON.stringify(report.failedOperations));
    const change = report.changes.find((entry) => entry.path === coordinate);
    assert.equal(change?.criticality, "BREAKING");
    assert.deepEqual(change.affected, []);
    assert.ok(
      report.warnings.some((warning) => warning.includes(change.message)),
      JSON.stringify(report.warnings),
    );

    // A gateway reports an operation that reads that field (through the root field leading to it).
    const api = buildSchema((await t.client().apiSchema()).sdl);
    const [type, field] = coordinate.split(".");
    const path = pathTo(api, type);
    assert.ok(path, `a query reaches ${type}`);
    const body = `query UsesIt ${path.open} ${field} ${path.close}`;
    const document = parse(body);
    assert.deepEqual(
      await t.client().reportUsage({
        operations: [{ hash: documentHash(body), name: "UsesIt", type: "query", body, coordinates: operationCoordinates(api, document) }],
        counts: [{ hash: documentHash(body), day: new Date().toISOString().slice(0, 10), clientName: "partner-app", clientVersion: "2.1", count: 7 }],
      }),
      undefined,
    );
    const protectedReport = await t.client().check(subgraph, { sdl });
    assert.equal(protectedReport.ok, false);
    const protectedChange = protectedReport.changes.find((entry) => entry.path === coordinate)!;
    assert.deepEqual(protectedChange.affected, [
      { hash: documentHash(body), name: "UsesIt", clients: [{ name: "partner-app", version: "2.1" }], source: "usage", sources: ["usage"] },
    ]);
    const who = await t.client().usage(coordinate);
    assert.deepEqual(who.operations, [{ hash: documentHash(body), name: "UsesIt", count: 7, clients: [{ name: "partner-app", version: "2.1", count: 7 }] }]);
  });

  test("adding a field passes", async () => {
    const entry = entries.find((candidate) => parse(sdlOf(candidate.name)).definitions.some((definition) => isObject(definition) && definition.name.value === "Query"))!;
    const probe = parse("type Query { registryCheckProbe: String }").definitions[0] as ObjectTypeDefinitionNode;
    const report = await t.client().check(entry.name, { sdl: withQueryField(sdlOf(entry.name), probe.fields![0]) });
    assert.equal(report.ok, true);
    assert.deepEqual(
      report.changes.map(({ criticality, path, affected }) => ({ criticality, path, affected })),
      [{ criticality: "SAFE", path: "Query.registryCheckProbe", affected: [] }],
    );
    assert.deepEqual(report.warnings, []);
  });

  test("an unknown subgraph is UNKNOWN_SUBGRAPH; a check stores nothing", async () => {
    const counts = await t.counts();
    await assert.rejects(
      t.client().check("nobody", { sdl: "type Query { a: Int }" }),
      (error: RegistryError) => error.code === "UNKNOWN_SUBGRAPH" && error.status === 404,
    );
    await assert.rejects(t.client().check(entries[0].name, { sdl: "type {" }), (error: RegistryError) => error.code === "INVALID_SDL");
    const composing = await t.client().check(entries[0].name, { sdl: `${sdlOf(entries[0].name)}\ntype Query { broken: Nope }\n` });
    assert.equal(composing.ok, false);
    assert.ok(composing.compositionErrors.length > 0);
    assert.deepEqual(await t.counts(), counts);
  });

  test("trusted documents: a manifest with a hash that does not match its body is refused whole; lookups by hash", async () => {
    const counts = await t.counts();
    const body = "query Sneaky { __typename }";
    const good = "query Fine { __typename }";
    const manifest = {
      format: "apollo-persisted-query-manifest",
      version: 1,
      operations: [
        { id: documentHash(good), name: "Fine", type: "query", body: good },
        { id: documentHash("something else"), name: "Sneaky", type: "query", body },
      ],
    };
    await assert.rejects(t.client().publishOperations({ client: { name: "x" }, manifest }), (error: RegistryError) => {
      assert.equal(error.code, "MANIFEST_HASH_MISMATCH");
      assert.deepEqual(error.details, { operations: [{ id: documentHash("something else"), name: "Sneaky" }] });
      return true;
    });
    assert.deepEqual(await t.counts(), counts);
    const [first] = manifestOf(contractDocuments()).operations;
    const found = await t.client().operation(first.id);
    assert.deepEqual(found, { id: first.id, name: first.name, type: first.type, body: first.body, clients: [{ name: CLIENT, version: "1.0.0" }] });
    await assert.rejects(t.client().operation(documentHash("unknown")), (error: RegistryError) => error.code === "PERSISTED_QUERY_NOT_FOUND" && error.status === 404);
  });
});

/** `{ root(args…) { … {` down to a field of type `type`, and the braces that close it (null if none without required arguments). */
function pathTo(schema: GraphQLSchema, target: string): { open: string; close: string } | null {
  const query = schema.getQueryType()!;
  const seen = new Set<string>();
  const queue: { type: string; open: string; depth: number }[] = [{ type: query.name, open: "{", depth: 1 }];
  while (queue.length) {
    const { type, open, depth } = queue.shift()!;
    if (type === target) return { open, close: "}".repeat(depth) };
    if (seen.has(type)) continue;
    seen.add(type);
    const named = schema.getType(type);
    if (!(named instanceof GraphQLObjectType)) continue;
    for (const field of Object.values(named.getFields())) {
      if (field.args.some((arg) => arg.type.toString().endsWith("!") && arg.defaultValue === undefined)) continue;
      const inner = field.type.toString().replace(/[[\]!]/g, "");
      queue.push({ type: inner, open: `${open} ${field.name} {`, depth: depth + 1 });
    }
  }
  return null;
}

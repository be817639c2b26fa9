import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { Kind, parse } from "graphql";
import { projectRoot, readSubgraphs } from "@solo/kit";
import { accessListing, fieldRules, undeclared } from "../src/access-rules";

/*
 * Every field of the supergraph declares who may call it (`@Access` on the field, or on its type for
 * plain data), and schema/access-rules.txt lists each with its rule, so a rule that changes shows
 * in review. Exempt by rule (see tools/src/access-rules.ts): federation's own fields (`_entities`,
 * `_service`, type `_Service`), entity key fields and `@external` fields.
 */

const root = projectRoot();
const subgraphs = () => readSubgraphs().map((entry) => ({ name: entry.name, sdl: fs.readFileSync(entry.schemaFile, "utf8") }));

const FEDERATION = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@external", "@requires", "@tag"])`;

describe("access rules", () => {
  it("every field of every subgraph declares one", () => {
    const missing = subgraphs().flatMap(({ name, sdl }) => undeclared(fieldRules(name, sdl)));
    assert.deepEqual(missing, [], `fields without an access rule (declare @Access on the field or its type):\n${missing.join("\n")}`);
  });

  it("are listed in schema/access-rules.txt as the subgraphs declare them (run `npm run compose` if this fails)", () => {
    assert.equal(fs.readFileSync(path.join(root, "schema", "access-rules.txt"), "utf8"), accessListing(subgraphs()));
  });

  it("reach the composed supergraph: each field's own rule is a tag on it there", () => {
    const supergraph = parse(fs.readFileSync(path.join(root, "schema", "supergraph.graphql"), "utf8"));
    const tagged = new Set<string>();
    for (const definition of supergraph.definitions) {
      if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
      for (const field of definition.fields ?? []) {
        for (const directive of field.directives ?? []) {
          const name = directive.arguments?.find((arg) => arg.name.value === "name")?.value;
          if (directive.name.value === "tag" && name?.kind === Kind.STRING && name.value.startsWith("access:")) {
            tagged.add(`${definition.name.value}.${field.name.value} ${name.value.slice("access:".length)}`);
          }
        }
      }
    }
    const declaredOnFields = subgraphs()
      .flatMap(({ name, sdl }) => fieldRules(name, sdl))
      .filter((rule) => rule.source === "field")
      .map((rule) => `${rule.type}.${rule.field} ${rule.access}`);
    assert.ok(declaredOnFields.length > 50);
    assert.deepEqual(
      declaredOnFields.filter((rule) => !tagged.has(rule)),
      [],
    );
  });

  it("reports a field that declares none, and only that one (the check can fail)", () => {
    const sdl = `${FEDERATION}
      type Query {
        notes: [Note!]! @tag(name: "access:public") @tag(name: "scope:notes:read")
        secretNotes: [Note!]!
        _service: _Service!
      }
      type Mutation { addNote(text: String!): Note! @tag(name: "access:signed-in") }
      type Note @key(fields: "id") @tag(name: "access:with-parent") { id: ID! text: String! }
      type Draft @key(fields: "id owner { id }") {
        id: ID!
        owner: Person!
        text: String!
        shared: Boolean @tag(name: "access:signed-in,policy=authorOrAdmin,deny=null")
      }
      type Person @key(fields: "id") { id: ID! name: String @external nickname: String @requires(fields: "name") }
      type _Service { sdl: String }`;
    const rules = fieldRules("notes", sdl);
    assert.deepEqual(undeclared(rules), ["notes: Query.secretNotes", "notes: Draft.text", "notes: Person.nickname"]);
    const byField = new Map(rules.map((rule) => [`${rule.type}.${rule.field}`, rule]));
    assert.deepEqual(
      [...byField.keys()].sort(),
      [
        "Draft.id",
        "Draft.owner",
        "Draft.shared",
        "Draft.text",
        "Mutation.addNote",
        "Note.id",
        "Note.text",
        "Person.id",
        "Person.name",
        "Person.nickname",
        "Query.notes",
        "Query.secretNotes",
      ],
      "federation's own fields are left out",
    );
    assert.deepEqual(byField.get("Query.notes"), { subgraph: "notes", type: "Query", field: "notes", access: "public", source: "field", scopes: ["notes:read"] });
    assert.equal(byField.get("Note.text")?.access, "with-parent");
    assert.equal(byField.get("Note.text")?.source, "type");
    assert.equal(byField.get("Draft.owner")?.access, "exempt: key");
    assert.equal(byField.get("Person.name")?.access, "exempt: external");
    const listing = accessListing([{ name: "notes", sdl }]);
    assert.match(listing, /\nQuery\.secretNotes\s+NONE\s+keys: none\n/);
    assert.match(listing, /\nQuery\.notes\s+public\s+keys: notes:read\n/);
    assert.match(listing, /\nNote\.text\s+with-parent \(type\)\n/);
  });
});

import crypto from "node:crypto";
import type { OperationDefinitionNode } from "graphql";
import { Kind } from "graphql";
import { RegistryError } from "./errors";
import { OPERATION_LIMITS, parseBounded } from "./parse-limits";

export type OperationType = "query" | "mutation" | "subscription";

/** One trusted document: its id is the sha256 (hex) of its body, as Apollo's and codegen's manifests have it. */
export interface ManifestOperation {
  id: string;
  name: string;
  type: OperationType;
  body: string;
}

/** `@apollo/generate-persisted-query-manifest`'s format. */
export interface ApolloPersistedQueryManifest {
  format: "apollo-persisted-query-manifest";
  version: 1;
  operations: { id: string; name?: string; type?: string; body: string }[];
}

/** GraphQL Code Generator's client preset (`persistedDocuments`): hash → body. */
export type HashToBodyManifest = Record<string, string>;

/** A manifest larger than this is refused whole (the project's own has about a hundred). */
export const MAX_MANIFEST_OPERATIONS = 10_000;

/** sha256 of the document text (UTF-8), lower-case hex: the id a manifest gives it and the gateway is sent. */
export function documentHash(body: string): string {
  return crypto.createHash("sha256").update(body, "utf8").digest("hex");
}

/**
 * Reads either manifest format into operations, checking what the registry will rely on: each body
 * parses and holds exactly one operation (with its fragments), each id is the body's sha256, a name
 * or type given agrees with the body. Throws INVALID_MANIFEST or MANIFEST_HASH_MISMATCH (naming
 * each operation at fault), never a partial result.
 */
export function parseManifest(json: unknown): { operations: ManifestOperation[] } {
  const entries = manifestEntries(json);
  if (entries.length > MAX_MANIFEST_OPERATIONS) {
    throw new RegistryError(400, "INVALID_MANIFEST", `a manifest holds at most ${MAX_MANIFEST_OPERATIONS} operations, this one ${entries.length}`);
  }
  const operations: ManifestOperation[] = [];
  const invalid: { id: string; name?: string; message: string }[] = [];
  const mismatched: { id: string; name: string }[] = [];
  for (const entry of entries) {
    let operation: OperationDefinitionNode;
    try {
      operation = soleOperation(entry.body);
    } catch (error) {
      invalid.push({ id: entry.id, name: entry.name, message: (error as Error).message });
      continue;
    }
    const name = operation.name?.value ?? "";
    if (entry.name !== undefined && entry.name !== name) {
      invalid.push({ id: entry.id, name: entry.name, message: `the manifest names it ${entry.name}, its body ${name || "(anonymous)"}` });
      continue;
    }
    if (entry.type !== undefined && entry.type !== String(operation.operation)) {
      invalid.push({ id: entry.id, name, message: `the manifest says ${entry.type}, its body is a ${operation.operation}` });
      continue;
    }
    if (documentHash(entry.body) !== entry.id) mismatched.push({ id: entry.id, name });
    operations.push({ id: entry.id, name, type: operation.operation, body: entry.body });
  }
  if (invalid.length) {
    throw new RegistryError(400, "INVALID_MANIFEST", `${invalid.length} operation(s) of the manifest are not usable: ${invalid[0].message}`, {
      operations: invalid.slice(0, 100),
    });
  }
  if (mismatched.length) {
    throw new RegistryError(400, "MANIFEST_HASH_MISMATCH", `${mismatched.length} operation(s) have an id that is not the sha256 of their body`, {
      operations: mismatched.slice(0, 100),
    });
  }
  return { operations };
}

interface RawEntry {
  id: string;
  name?: string;
  type?: string;
  body: string;
}

function manifestEntries(json: unknown): RawEntry[] {
  if (!json || typeof json !== "object" || Array.isArray(json)) throw invalidManifest("a manifest is a JSON object");
  const record = json as Record<string, unknown>;
  if ("format" in record || "operations" in record) {
    if (record.format !== "apollo-persisted-query-manifest") throw invalidManifest('format must be "apollo-persisted-query-manifest"');
    if (record.version !== 1) throw invalidManifest("version must be 1");
    if (!Array.isArray(record.operations)) throw invalidManifest("operations must be an array");
    return record.operations.map((operation: unknown, index) => {
      if (!operation || typeof operation !== "object") throw invalidManifest(`operations[${index}] is not an object`);
      const { id, name, type, body } = operation as Record<string, unknown>;
      if (typeof id !== "string" || typeof body !== "string") throw invalidManifest(`operations[${index}] needs a string id and body`);
      if (name !== undefined && typeof name !== "string") throw invalidManifest(`operations[${index}].name must be a string`);
      if (type !== undefined && typeof type !== "string") throw invalidManifest(`operations[${index}].type must be a string`);
      return { id, name, type, body };
    });
  }
  return Object.entries(record).map(([id, body]) => {
    if (typeof body !== "string") throw invalidManifest(`the body of ${id.slice(0, 80)} must be a string`);
    return { id, body };
  });
}

function soleOperation(body: string): OperationDefinitionNode {
  const document = parseBounded(body, OPERATION_LIMITS, { noLocation: true });
  const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  if (operations.length !== 1) throw new Error(`a trusted document holds exactly one operation, this one ${operations.length}`);
  const other = document.definitions.find((definition) => definition.kind !== Kind.OPERATION_DEFINITION && definition.kind !== Kind.FRAGMENT_DEFINITION);
  if (other) throw new Error(`a trusted document holds an operation and fragments only, not a ${other.kind}`);
  return operations[0];
}

function invalidManifest(message: string): RegistryError {
  return new RegistryError(400, "INVALID_MANIFEST", message);
}

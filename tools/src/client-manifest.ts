import fs from "node:fs";
import path from "node:path";
import type { GraphQLSchema, OperationDefinitionNode } from "graphql";
import { Kind, print } from "graphql";
import { projectRoot } from "@solo/kit";
import { type ApolloPersistedQueryManifest, type ManifestOperation, documentHash } from "@solo/registry";
import { judgeOperation, loadApiSchema, loadContractOperations } from "./contract";

/** The client name the project's own operations are published under (npm start, CI). */
export const CLIENT_NAME = "solo-web";

/** Where `npm run manifest` writes the project's trusted documents (checked in, kept fresh by a test). */
export function clientManifestPath(root = projectRoot()): string {
  return path.join(root, "clients", "persisted-query-manifest.json");
}

/** The format of `@apollo/generate-persisted-query-manifest` (which the registry and the gateway read), every entry named and typed. */
export interface PersistedQueryManifest extends ApolloPersistedQueryManifest {
  operations: ManifestOperation[];
}

/**
 * One entry per contract operation, its body the operation and the fragments it uses, printed by
 * graphql-js (the text a client sends, so its sha256 is the id the gateway looks up). Like codegen's
 * loader, operations the schema cannot serve yet are left out and one that contradicts it is an error:
 * a trusted document the schema refuses would fail every registry check.
 */
export function buildClientManifest(schema: GraphQLSchema = loadApiSchema(), dir?: string): PersistedQueryManifest {
  const operations: ManifestOperation[] = [];
  for (const operation of loadContractOperations(dir)) {
    const verdict = judgeOperation(schema, operation.document);
    if (verdict.status === "invalid") throw new Error(`${operation.file}: ${operation.name} does not fit the schema: ${verdict.errors.join("; ")}`);
    if (verdict.status === "pending") continue;
    const definition = operation.document.definitions.find((node): node is OperationDefinitionNode => node.kind === Kind.OPERATION_DEFINITION)!;
    const body = print(operation.document);
    operations.push({ id: documentHash(body), name: operation.name, type: definition.operation, body });
  }
  return { format: "apollo-persisted-query-manifest", version: 1, operations };
}

export function serializeManifest(manifest: PersistedQueryManifest): string {
  return JSON.stringify(manifest, null, 2) + "\n";
}

export function readClientManifest(root = projectRoot()): PersistedQueryManifest {
  return JSON.parse(fs.readFileSync(clientManifestPath(root), "utf8")) as PersistedQueryManifest;
}

import type { ASTNode, DefinitionNode, DocumentNode, FragmentDefinitionNode, OperationDefinitionNode } from "graphql";
import { Kind, print, visit } from "graphql";
import type { ApolloPersistedQueryManifest } from "./manifest";
import { documentHash } from "./manifest";

/** One document per operation, each with the fragments of its file it uses, directly or through others (validation rejects unused ones). */
export function splitOperations(document: DocumentNode): DocumentNode[] {
  const fragments = new Map(
    document.definitions
      .filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION)
      .map((fragment) => [fragment.name.value, fragment]),
  );
  return document.definitions
    .filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION)
    .map((operation) => {
      const used = new Set<string>();
      const pending: ASTNode[] = [operation];
      while (pending.length) {
        visit(pending.pop()!, {
          FragmentSpread(spread) {
            const fragment = fragments.get(spread.name.value);
            if (fragment && !used.has(fragment.name.value)) {
              used.add(fragment.name.value);
              pending.push(fragment);
            }
          },
        });
      }
      const definitions: DefinitionNode[] = [operation, ...[...fragments.values()].filter((fragment) => used.has(fragment.name.value))];
      return { kind: Kind.DOCUMENT, definitions };
    });
}

/** Apollo's manifest of single-operation documents, each body printed by graphql-js. */
export function manifestOf(documents: DocumentNode[]): ApolloPersistedQueryManifest {
  return {
    format: "apollo-persisted-query-manifest",
    version: 1,
    operations: documents.map((document) => {
      const operation = document.definitions.find((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
      if (!operation) throw new Error("a document without an operation has no place in a manifest");
      const body = print(document);
      return { id: documentHash(body), name: operation.name?.value ?? "", type: operation.operation, body };
    }),
  };
}

// graphql-codegen document loader: every contract operation, none left out. An operation the
// schema cannot serve as written (a wrong argument, or a type or field it does not have yet) fails
// codegen: typed documents that silently skip part of the contract are worse than none.
// Run `npm run codegen` (it builds first).
const path = require("node:path");
const { judgeOperation, loadApiSchema, loadContractOperations } = require("../tools/dist/src/contract");

module.exports = function loadContractDocuments(pointer) {
  const schema = loadApiSchema();
  const operations = loadContractOperations(path.resolve(pointer));
  const refused = operations.flatMap((operation) => {
    const verdict = judgeOperation(schema, operation.document);
    if (verdict.status === "valid") return [];
    return [`${operation.file}: ${operation.name} does not fit the schema: ${(verdict.status === "invalid" ? verdict.errors : verdict.missing).join("; ")}`];
  });
  if (refused.length) throw new Error(`${refused.length} of ${operations.length} contract operations cannot be typed:\n${refused.join("\n")}`);
  const definitions = operations.flatMap((operation) => operation.document.definitions);
  const named = new Set(definitions.filter((definition) => definition.kind === "OperationDefinition").map((definition) => definition.name.value));
  if (named.size !== operations.length) throw new Error(`${operations.length} contract operations in, ${named.size} distinct named operations out`);
  return { kind: "Document", definitions };
};

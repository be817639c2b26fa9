// graphql-codegen document loader: the contract operations the supergraph can already serve.
// Operations that need types or fields a later subgraph adds are left out; an operation that is
// wrong for the schema as it stands fails codegen. Run `npm run codegen` (it builds first).
const path = require("node:path");
const { judgeOperation, loadApiSchema, loadContractOperations } = require("../tools/dist/src/contract");

module.exports = function loadContractDocuments(pointer) {
  const schema = loadApiSchema();
  const definitions = [];
  for (const operation of loadContractOperations(path.resolve(pointer))) {
    const verdict = judgeOperation(schema, operation.document);
    if (verdict.status === "invalid") {
      throw new Error(`${operation.file}: ${operation.name} does not fit the schema: ${verdict.errors.join("; ")}`);
    }
    if (verdict.status === "valid") definitions.push(...operation.document.definitions);
  }
  return { kind: "Document", definitions };
};

// graphql-codegen hook (codegen.yml): the typed documents written must be exactly the contract's
// operations, counted in (clients/operations) and out (a `…Document` export each), or codegen fails.
const fs = require("node:fs");
const path = require("node:path");
const { loadContractOperations } = require("../tools/dist/src/contract");

const generated = fs.readFileSync(path.join(__dirname, "..", "packages", "client", "src", "generated", "graphql.ts"), "utf8");
const written = new Set([...generated.matchAll(/^export const (\w+)Document = new TypedDocumentString\(/gm)].map((match) => match[1]));
const expected = new Set(loadContractOperations().map((operation) => operation.name));
const missing = [...expected].filter((name) => !written.has(name));
const extra = [...written].filter((name) => !expected.has(name));
if (missing.length || extra.length || written.size !== expected.size) {
  console.error(
    `codegen typed ${written.size} documents for ${expected.size} contract operations; missing: ${missing.join(", ") || "none"}; not in the contract: ${extra.join(", ") || "none"}`,
  );
  process.exit(1);
}
console.log(`codegen: ${written.size} of ${expected.size} contract operations typed`);

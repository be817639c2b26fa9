import fs from "node:fs";
import path from "node:path";
import type { DocumentNode, GraphQLError, GraphQLSchema, OperationDefinitionNode } from "graphql";
import { Kind, buildSchema, parse, validate } from "graphql";
import { projectRoot } from "@solo/kit";
import { splitOperations } from "@solo/registry";

export interface ContractOperation {
  file: string;
  name: string;
  document: DocumentNode;
}

/** The contract operations, one document each (clients/operations is the project's copy). */
export function loadContractOperations(dir = path.join(projectRoot(), "clients", "operations")): ContractOperation[] {
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith(".graphql"))
    .sort()
    .flatMap((file) =>
      splitOperations(parse(fs.readFileSync(path.join(dir, file), "utf8"))).map((document) => ({
        file,
        name: (document.definitions[0] as OperationDefinitionNode).name?.value ?? "anonymous",
        document,
      })),
    );
}

/** Errors that mean "not built yet": a type or a field the supergraph does not have at all. */
// A missing type, or a missing field on a root type, is simply unbuilt, whatever graphql suggests
// instead. A missing field on a type that exists is unbuilt only without a suggestion: "Did you
// mean …?" there hints at a renamed or misspelt field, a contradiction.
const NOT_BUILT_YET = [
  /^Unknown type "\w+"\.( Did you mean .+\?)?$/,
  /^Cannot query field "\w+" on type "(Query|Mutation|Subscription)"\.( Did you mean .+\?)?$/,
  /^Cannot query field "\w+" on type "\w+"\.$/,
];

export type Verdict = { status: "valid" } | { status: "pending"; missing: string[] } | { status: "invalid"; errors: string[] };

/**
 * valid: the supergraph serves it as written. pending: it needs types or fields a later subgraph
 * adds. invalid: anything else (a wrong argument, type or nullability on something that exists).
 */
export function judgeOperation(schema: GraphQLSchema, document: DocumentNode): Verdict {
  // graphql 16 validates an operation whose root type is missing as if it were empty.
  const operation = document.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
  if (!schema.getRootType(operation.operation)) {
    return { status: "pending", missing: [`the schema has no ${operation.operation} root type`] };
  }
  const errors = validate(schema, document);
  if (!errors.length) return { status: "valid" };
  const messages = errors.map((error: GraphQLError) => error.message);
  const unexplained = messages.filter((message) => !NOT_BUILT_YET.some((pattern) => pattern.test(message)));
  return unexplained.length ? { status: "invalid", errors: unexplained } : { status: "pending", missing: messages };
}

export function loadApiSchema(root = projectRoot()): GraphQLSchema {
  return buildSchema(fs.readFileSync(path.join(root, "schema", "api.graphql"), "utf8"));
}

export interface ContractType {
  name: string;
  /** For inputs: field name → { optional, type as the README writes it (if it does) }. */
  fields?: Map<string, { optional: boolean; type?: string }>;
  /** For enums: the values. */
  values?: string[];
}

/**
 * The input types and enums the contract README lists ("Inputs and enums"), e.g.
 * `RegisterInput {email, password, displayName, timezone?}` or `CourseLevel {BEGINNER INTERMEDIATE ADVANCED}`.
 */
export function readContractTypes(readme: string): ContractType[] {
  const types: ContractType[] = [];
  for (const match of readme.matchAll(/`([A-Z]\w*) \{([^}`]*)\}`/g)) {
    const [, name, body] = match;
    if (!body.includes(",") && /^[A-Z_\s]+$/.test(body.trim())) {
      types.push({ name, values: body.trim().split(/\s+/) });
      continue;
    }
    const fields = new Map<string, { optional: boolean; type?: string }>();
    for (const part of body
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean)) {
      const field = /^(\w+)(\?)?(?::\s*(.+))?$/.exec(part);
      if (!field) throw new Error(`cannot read contract field "${part}" of ${name}`);
      const type = field[3]?.split(" (")[0].trim();
      fields.set(field[1], { optional: Boolean(field[2]), type: type && !type.includes("|") ? type : undefined });
    }
    types.push({ name, fields });
  }
  const roles = /Roles: (.+?)\. Plans: (.+?)\./.exec(readme);
  if (roles) {
    const names = (text: string) => [...text.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]);
    types.push({ name: "Role", values: names(roles[1]) }, { name: "Plan", values: names(roles[2]) });
  }
  return types;
}

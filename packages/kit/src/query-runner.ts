import type { DocumentNode, GraphQLFormattedError, GraphQLSchema, OperationDefinitionNode, ValidationRule } from "graphql";
import {
  GraphQLError,
  Kind,
  NoSchemaIntrospectionCustomRule,
  OperationTypeNode,
  TypeInfo,
  execute,
  getNamedType,
  getOperationAST,
  isAbstractType,
  isInputObjectType,
  parse,
  specifiedRules,
  typeFromAST,
  validate,
  visit,
  visitWithTypeInfo,
} from "graphql";
import type { CompiledQuery } from "graphql-jit";
import { compileQuery, isCompiledQuery } from "graphql-jit";
import type { OperationOutcome } from "./apollo";
import { BoundedMap } from "./bounded-map";
import { operationCacheControl } from "./cache-policy";
import { cacheTagsHeader } from "./cache-tags";
import type { TaggedContext } from "./cache-tags";
import { giveFieldBudget, onceEachBudgetRefusal } from "./limits";
import type { Logger } from "./logger";

/** Query documents kept parsed and validated: what the gateway's planner sends is a few hundred texts at most. */
const MAX_DOCUMENTS = 1_000;

export interface QueryRunnerOptions {
  schema: GraphQLSchema;
  /** Apollo Server's rules beside graphql-js's own (the subgraph's limits). */
  validationRules: readonly ValidationRule[];
  introspection: boolean;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  maxResolvedFields: number;
  record: (outcome: OperationOutcome) => void;
  /**
   * Compile each query (compiledFor). Off when traces are collected: OpenTelemetry's GraphQL spans
   * come from wrapping graphql-js's execute, which a compiled query does not call.
   */
  compile: boolean;
}

interface KnownOperation {
  operation: OperationDefinitionNode;
  cacheControl: string;
  /** The operation compiled (graphql-jit), once; null where graphql-js executes it. */
  compiled?: CompiledQuery | null;
}

/** A query this runner answers itself, with the request's variables. */
export interface PreparedQuery {
  document: DocumentNode;
  known: KnownOperation;
  variables: Record<string, unknown> | undefined;
}

export interface QueryAnswer {
  status: number;
  headers: [name: string, value: string][];
  body: string;
}

interface KnownDocument {
  document: DocumentNode;
  operations: Map<string, KnownOperation | null>;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const REQUEST_KEYS = new Set(["query", "variables", "operationName", "extensions"]);
/** One media type that is JSON (or anything): what Apollo would answer with `application/json`. */
const ACCEPTS_JSON = /^\s*(?:application\/json|\*\/\*)\s*(?:;[^,]*)?$/i;

/**
 * Valid queries, compiled (compiledFor) and answered as Apollo Server would answer them: the same
 * validation, errors formatted by the same rules (a code on each, `extensions.http` as the
 * response's status and headers, `formatError`), the same Cache-Control, cache tags, resolved-field
 * budget and metrics. Apollo's request pipeline (a hash of every query, its document store, the
 * plugin hooks, content negotiation) cost about as much as a short query's GraphQL execution on the
 * content subgraph. What this leaves to Apollo: anything it has not validated (so every refusal of
 * a document is Apollo's own), mutations, other media types, request extensions, and requests whose
 * variables do not fit (nothing has run yet, so Apollo answers them from the start).
 */
export function queryRunner(options: QueryRunnerOptions) {
  const rules = [...specifiedRules, ...options.validationRules, ...(options.introspection ? [] : [NoSchemaIntrospectionCustomRule])];
  const documents = new BoundedMap<string, KnownDocument | null>(MAX_DOCUMENTS);

  const known = (query: string): KnownDocument | null => {
    let entry = documents.get(query);
    if (entry !== undefined) return entry;
    try {
      const document = parse(query);
      entry = validate(options.schema, document, rules).length ? null : { document, operations: new Map() };
    } catch {
      entry = null;
    }
    documents.set(query, entry);
    return entry;
  };

  const prepare = (body: unknown, accept: string | undefined): PreparedQuery | undefined => {
    if (!isRecord(body) || !Object.keys(body).every((key) => REQUEST_KEYS.has(key))) return undefined;
    const { query, variables, operationName, extensions } = body;
    if (typeof query !== "string" || (variables != null && !isRecord(variables)) || (operationName != null && typeof operationName !== "string")) return undefined;
    if (extensions != null && !(isRecord(extensions) && Object.keys(extensions).length === 0)) return undefined;
    if (accept !== undefined && !ACCEPTS_JSON.test(accept)) return undefined;
    const entry = known(query);
    if (!entry) return undefined;
    const name = operationName ?? "";
    let resolved = entry.operations.get(name);
    if (resolved === undefined) {
      const operation = getOperationAST(entry.document, operationName ?? undefined);
      resolved = operation?.operation === OperationTypeNode.QUERY ? { operation, cacheControl: operationCacheControl(options.schema, entry.document, operation) } : null;
      entry.operations.set(name, resolved);
    }
    return resolved ? { document: entry.document, known: resolved, variables: variables ?? undefined } : undefined;
  };

  /**
   * The operation compiled to a function of its own (graphql-jit): no generic walk of the document
   * for every answer, and code that sees one query's shapes rather than every shape the process
   * serves. Not where graphql-jit's reading of variables differs from graphql-js's: it leaves out
   * the defaults of input-object fields, and refuses a non-null variable left to its default (an
   * operation with either among its variables runs on graphql-js); it takes the type a union's or
   * interface's resolveType returns as it is, where type-graphql's returns a promise of it (a
   * document that reaches one runs on graphql-js).
   */
  const compiledFor = ({ document, known }: PreparedQuery): CompiledQuery | null => {
    if (known.compiled !== undefined) return known.compiled;
    if (!options.compile) return (known.compiled = null);
    const differs = (known.operation.variableDefinitions ?? []).some((definition) => {
      const type = typeFromAST(options.schema, definition.type as never);
      return !type || isInputObjectType(getNamedType(type)) || (definition.defaultValue !== undefined && definition.type.kind === Kind.NON_NULL_TYPE);
    });
    const compiled = differs || reachesAbstractType(options.schema, document) ? null : compileQuery(options.schema, document, known.operation.name?.value);
    known.compiled = compiled && isCompiledQuery(compiled) ? compiled : null;
    return known.compiled;
  };

  /** The answer, or undefined when the variables do not fit the operation (then Apollo answers). */
  const run = async (prepared: PreparedQuery, context: TaggedContext & { log?: Logger }): Promise<QueryAnswer | undefined> => {
    giveFieldBudget(context, options.maxResolvedFields);
    const { operation, cacheControl } = prepared.known;
    const compiled = compiledFor(prepared);
    const result = compiled
      ? await compiled.query(undefined, context, prepared.variables ?? {})
      : await execute({
          schema: options.schema,
          document: prepared.document,
          operationName: operation.name?.value,
          contextValue: context,
          variableValues: prepared.variables,
        });
    if (!("data" in result)) return undefined;
    const head = { status: 200, headers: new Map<string, string>() };
    const errors = result.errors ? onceEachBudgetRefusal(result.errors.map((error) => formatted(asThrown(error), head, options.formatError))) : undefined;
    options.record({ operationName: operation.name?.value, type: OperationTypeNode.QUERY, errors: result.errors, answeredWithErrors: !!errors, log: context.log });
    const headers: [string, string][] = [["content-type", "application/json; charset=utf-8"], ...head.headers];
    headers.push(["cache-control", errors ? "no-store" : cacheControl]);
    const tags = cacheTagsHeader(OperationTypeNode.QUERY, context.readTags);
    if (tags) headers.push(tags);
    return { status: head.status, headers, body: `${JSON.stringify({ errors, data: result.data, extensions: result.extensions })}\n` };
  };

  return { prepare, run };
}

export type QueryRunner = ReturnType<typeof queryRunner>;

/** Whether any field of the document returns a union or an interface. */
function reachesAbstractType(schema: GraphQLSchema, document: DocumentNode): boolean {
  const typeInfo = new TypeInfo(schema);
  let reached = false;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field() {
        const type = typeInfo.getType();
        if (type && isAbstractType(getNamedType(type))) reached = true;
      },
    }),
  );
  return reached;
}

/**
 * A refusal thrown already located (the resolved-field budget's, one for the whole request) as it
 * was thrown: graphql-js passes it on as it is, graphql-jit relocates it to each field it reaches.
 */
function asThrown(error: GraphQLError): GraphQLError {
  const thrown = error.originalError;
  return thrown instanceof GraphQLError && thrown.path !== undefined ? thrown : error;
}

/** An error as Apollo Server formats one: a code always, `extensions.http` taken into the response's head, then formatError. */
function formatted(error: GraphQLError, head: { status: number; headers: Map<string, string> }, formatError: QueryRunnerOptions["formatError"]): GraphQLFormattedError {
  // graphql-jit's errors carry no extensions object when their original error had none.
  const extensions: Record<string, unknown> = { ...error.extensions, code: error.extensions?.code ?? "INTERNAL_SERVER_ERROR" };
  const http = extensions.http as { status?: unknown; headers?: unknown } | undefined;
  if (isRecord(http) && (http.status === undefined || typeof http.status === "number") && (http.headers === undefined || http.headers instanceof Map)) {
    if (typeof http.status === "number") head.status = http.status;
    for (const [name, value] of (http.headers as Map<string, string> | undefined) ?? []) head.headers.set(name, value);
    delete extensions.http;
  }
  try {
    return formatError({ ...error.toJSON(), extensions }, error);
  } catch {
    return { message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } };
  }
}

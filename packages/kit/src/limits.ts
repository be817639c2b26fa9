import type { ServerResponse } from "node:http";
import type { ApolloServerPlugin } from "@apollo/server";
import { costLimitRule } from "@escape.tech/graphql-armor-cost-limit";
import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import type { NextFunction, Request, Response } from "express";
import type { ASTVisitor, GraphQLResolveInfo, GraphQLSchema, ValidationContext, ValidationRule } from "graphql";
import { GraphQLError, Lexer, Source, TokenKind, defaultFieldResolver, getNullableType, isListType, isObjectType, responsePathAsArray } from "graphql";
import type { AdmissionLimits } from "./admission";
import { BoundedMap } from "./bounded-map";
import type { Env } from "./config";
import { envFraction, envInt } from "./config";
import { clientExtensions, requestError } from "./errors";

/**
 * The request limits the gateway and every subgraph enforce, each with its own numbers: the
 * gateway's fit client queries, a subgraph's must also fit what the gateway's query planner sends
 * (one `_entities { ... on T }` level deeper, and `representations` lists as long as a page of
 * pages).
 */

/** Depth, alias and (when given) cost limits, checked with the rest of validation (GRAPHQL_VALIDATION_FAILED). */
export function limitRules(limits: { maxDepth: number; maxAliases: number; maxCost?: number; maxListLength?: number }): ValidationRule[] {
  // The armor rules throw by default, which surfaces as an internal error; reported instead, the
  // failures join the other validation errors.
  const report = {
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, "")))],
  };
  const rules = [
    maxDepthRule({ n: limits.maxDepth, ignoreIntrospection: true, ...report }) as unknown as ValidationRule,
    maxAliasesRule({ n: limits.maxAliases, ...report }) as unknown as ValidationRule,
  ];
  if (limits.maxCost !== undefined) {
    rules.push(costLimitRule({ maxCost: limits.maxCost, ignoreIntrospection: true, ...report }));
  }
  if (limits.maxListLength !== undefined) rules.push(literalListLengthRule(limits.maxListLength));
  return rules;
}

/** Lists written into the document (`representations: [{…}, …]`) count like lists in variables. */
function literalListLengthRule(maxListLength: number): ValidationRule {
  return (context): ASTVisitor => ({
    ListValue(node) {
      if (node.values.length > maxListLength) {
        context.reportError(new GraphQLError(`List of ${node.values.length} items is longer than ${maxListLength}`, { nodes: node }));
      }
    },
  });
}

/** Counts lexer tokens, stopping at the limit: a huge document is refused before it is parsed. */
function exceedsTokenLimit(query: string, maxTokens: number): boolean {
  const lexer = new Lexer(new Source(query));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) {
      if (++count > maxTokens) return true;
    }
  } catch {
    return false; // a syntax error: the parser reports it properly
  }
  return false;
}

/**
 * Documents found within a token limit, by limit: clients send the same few documents again and
 * again, and looking one up costs less than lexing it. Only documents that passed are kept, so a
 * flood of distinct large ones is lexed (and refused) each time.
 */
const withinTokenLimit = new Map<number, BoundedMap<string, true>>();
const KEPT_DOCUMENTS = 1000;

/** The refusal of a document over the token limit (HTTP and WebSocket alike), or undefined. */
export function tokenLimitError(query: string, maxTokens: number): GraphQLError | undefined {
  let passed = withinTokenLimit.get(maxTokens);
  if (!passed) withinTokenLimit.set(maxTokens, (passed = new BoundedMap(KEPT_DOCUMENTS)));
  if (passed.has(query)) return undefined;
  if (!exceedsTokenLimit(query, maxTokens)) {
    passed.set(query, true);
    return undefined;
  }
  return requestError("BAD_REQUEST", `Query is too large: more than ${maxTokens} tokens`, { limit: "MAX_TOKENS" });
}

/**
 * The length of the longest array anywhere in a JSON value. Iterative: variables nested deeper
 * than the call stack must not crash the check meant to protect the service.
 */
export function longestList(value: unknown): number {
  let longest = 0;
  const pending: unknown[] = [value];
  while (pending.length) {
    const current = pending.pop();
    if (Array.isArray(current)) {
      longest = Math.max(longest, current.length);
      for (const item of current) if (item !== null && typeof item === "object") pending.push(item);
    } else if (current !== null && typeof current === "object") {
      for (const item of Object.values(current)) if (item !== null && typeof item === "object") pending.push(item);
    }
  }
  return longest;
}

/**
 * Request-shape checks that come before GraphQL: one operation per request (no batching), a
 * bounded number of tokens and, when given, no list in the variables longer than maxListLength.
 * `query` is the document of a GET (its search parameter); a POST's is in `body`.
 */
export function requestShapeError(
  limits: { maxTokens: number; maxListLength?: number },
  request: { method: string; body: unknown; query?: unknown },
): GraphQLError | undefined {
  if (Array.isArray(request.body)) return requestError("BAD_REQUEST", "Batched operations are not supported: send one operation per request");
  const body = request.body as { query?: unknown; variables?: unknown } | undefined;
  const query = request.method === "GET" ? request.query : body?.query;
  const tooLarge = typeof query === "string" ? tokenLimitError(query, limits.maxTokens) : undefined;
  if (tooLarge) return tooLarge;
  if (limits.maxListLength === undefined || request.method === "GET") return undefined;
  const longest = longestList(body?.variables);
  if (longest <= limits.maxListLength) return undefined;
  return requestError("BAD_REQUEST", `A list in the variables has ${longest} items, more than ${limits.maxListLength}`, { limit: "MAX_LIST_LENGTH" });
}

/** requestShapeError as Express middleware (after express.json). */
export function requestShapeGuard(limits: { maxTokens: number; maxListLength?: number }) {
  return (req: Request, res: Response, next: NextFunction) => {
    const refusal = requestShapeError(limits, { method: req.method, body: req.body, query: req.method === "GET" ? req.query.query : undefined });
    if (refusal) return sendError(res, refusal);
    next();
  };
}

/** A refusal before GraphQL runs, shaped as GraphQL errors are: its HTTP status and headers from `extensions.http`. */
export function sendError(res: ServerResponse, error: GraphQLError): void {
  const http = error.extensions.http as { status: number; headers?: Map<string, string> } | undefined;
  for (const [name, value] of http?.headers ?? []) res.setHeader(name, value);
  const body = JSON.stringify({ errors: [{ message: error.message, extensions: clientExtensions(error) }] });
  res.statusCode = http?.status ?? 400;
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.setHeader("content-length", Buffer.byteLength(body));
  res.end(body);
}

/** express.json failures (malformed JSON, oversized bodies) as GraphQL-shaped errors with a code. */
export function bodyErrorHandler(maxBodyBytes: number) {
  return (error: unknown, _req: Request, res: Response, next: NextFunction) => {
    // body-parser's errors say what went wrong in `type`.
    const type = (error as { type?: unknown } | undefined)?.type;
    if (type === "entity.too.large") {
      return sendError(res, requestError("PAYLOAD_TOO_LARGE", `Request body is larger than ${maxBodyBytes} bytes`));
    }
    if (type === "entity.parse.failed") {
      return sendError(res, requestError("BAD_REQUEST", "Request body is not valid JSON"));
    }
    if (type === "encoding.unsupported" || type === "charset.unsupported") {
      return sendError(res, requestError("BAD_REQUEST", "Unsupported request encoding"));
    }
    next(error);
  };
}

const FIELD_BUDGET = Symbol("resolved fields budget");

interface FieldBudget {
  max: number;
  remaining: number;
  refusal?: GraphQLError;
}

/**
 * Depth bounds how deep a query goes, not how much it fans out: `course { lessons { course {
 * lessons … } } }` multiplies by the number of lessons at every level, within any depth limit
 * that lets the planner's own queries through. So execution also stops once it has resolved
 * maxResolvedFields fields, each item of a returned list counting as one more: every field after
 * that fails at once, without running its resolver, and no list grows the work past the limit.
 *
 * Wraps the schema's resolvers (once); the plugin gives each request its budget.
 */
export function limitResolvedFields(schema: GraphQLSchema, maxResolvedFields: number): ApolloServerPlugin {
  const refuse = (budget: FieldBudget, info: GraphQLResolveInfo) =>
    // One error for the whole request, already carrying its path, so graphql-js passes it on
    // instead of building one per field.
    (budget.refusal ??= new GraphQLError(`The result is too large: more than ${budget.max} fields and list items`, {
      nodes: info.fieldNodes,
      path: responsePathAsArray(info.path),
      extensions: { code: "BAD_REQUEST", limit: "MAX_RESOLVED_FIELDS" },
    }));
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields())) {
      if ((field as { [FIELD_BUDGET]?: true })[FIELD_BUDGET]) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      const returnsList = isListType(getNullableType(field.type));
      // Refusals are rejected promises, never throws: graphql-js 16 abandons the promises of a
      // list's earlier items when a later one throws, and their rejections would then go
      // unhandled and end the process.
      field.resolve = (source, args, context, info) => {
        const budget = (context as { [FIELD_BUDGET]?: FieldBudget } | undefined)?.[FIELD_BUDGET];
        if (!budget) return resolve(source, args, context, info);
        if (--budget.remaining < 0) return Promise.reject(refuse(budget, info));
        const result = resolve(source, args, context, info);
        if (!returnsList) return result;
        const overBudget = (items: unknown) => Array.isArray(items) && (budget.remaining -= items.length) < 0;
        if (isPromise(result)) {
          return result.then((items) => {
            if (overBudget(items)) throw refuse(budget, info);
            return items;
          });
        }
        return overBudget(result) ? Promise.reject(refuse(budget, info)) : result;
      };
      (field as { [FIELD_BUDGET]?: true })[FIELD_BUDGET] = true;
    }
  }
  return {
    async requestDidStart({ contextValue }) {
      giveFieldBudget(contextValue, maxResolvedFields);
      return {
        async willSendResponse({ response }) {
          if (response.body.kind === "single" && response.body.singleResult.errors) {
            response.body.singleResult.errors = onceEachBudgetRefusal(response.body.singleResult.errors);
          }
        },
      };
    },
  };
}

/** Gives a request (its context) the budget limitResolvedFields counts its fields against. */
export function giveFieldBudget(context: object, maxResolvedFields: number): void {
  const budget: FieldBudget = { max: maxResolvedFields, remaining: maxResolvedFields };
  Object.defineProperty(context, FIELD_BUDGET, { value: budget });
}

/** Reached at many nullable positions, the budget's refusal would otherwise be listed once for each. */
export function onceEachBudgetRefusal<E extends { extensions?: Record<string, unknown> }>(errors: readonly E[]): E[] {
  const first = errors.findIndex((error) => error.extensions?.limit === "MAX_RESOLVED_FIELDS");
  return first < 0 ? [...errors] : errors.filter((error, index) => index <= first || error.extensions?.limit !== "MAX_RESOLVED_FIELDS");
}

const isPromise = (value: unknown): value is Promise<unknown> => typeof (value as Promise<unknown> | undefined)?.then === "function";

export interface SubgraphLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxListLength: number;
  maxResolvedFields: number;
  maxBodyBytes: number;
  /** Requests served at once, waiting, and for how long; past these, 503 with Retry-After (the gateway's fields from it: SERVICE_UNAVAILABLE). */
  admission: AdmissionLimits;
}

/**
 * A subgraph's own limits. The defaults leave room above the gateway's (MAX_DEPTH 10, MAX_ALIASES
 * 15, MAX_TOKENS 2000) for what the planner adds (`_entities { ... on T }` is two levels), and for
 * `_entities` batches of 10,000 representations (a page of 100 items with 100 nested items each:
 * about 1 MB of JSON with their @requires fields, and 9 fields of each within the 100,000 fields
 * and list items a request may resolve: about 0.6 GB and a few seconds of a subgraph's time).
 */
export function subgraphLimitsFromEnv(env: Env = process.env): SubgraphLimits {
  return {
    maxDepth: envInt("SUBGRAPH_MAX_DEPTH", 15, env),
    maxAliases: envInt("SUBGRAPH_MAX_ALIASES", 30, env),
    maxTokens: envInt("SUBGRAPH_MAX_TOKENS", 10_000, env),
    maxListLength: envInt("SUBGRAPH_MAX_LIST_LENGTH", 10_000, env),
    maxResolvedFields: envInt("SUBGRAPH_MAX_RESOLVED_FIELDS", 100_000, env),
    // Not MAX_BODY_BYTES: that is the gateway's, and `npm start` hands one environment to all.
    maxBodyBytes: envInt("SUBGRAPH_MAX_BODY_BYTES", 2 * 1024 * 1024, env),
    // Room for every fetch of the gateway's 64 requests at once, and for more than one gateway.
    admission: {
      maxInFlight: envInt("SUBGRAPH_MAX_IN_FLIGHT_REQUESTS", 128, env),
      maxQueued: envInt("SUBGRAPH_MAX_QUEUED_REQUESTS", 256, env),
      maxWaitMs: envInt("SUBGRAPH_MAX_QUEUE_WAIT_MS", 1_000, env),
      maxEventLoopUtilization: envFraction("SUBGRAPH_MAX_EVENT_LOOP_UTILIZATION", 0.98, env),
    },
  };
}

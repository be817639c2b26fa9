import { costLimitRule } from "@escape.tech/graphql-armor-cost-limit";
import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { requestError } from "@solo/kit";
import type { ApolloServerPlugin } from "@apollo/server";
import type { NextFunction, Request, Response } from "express";
import { GraphQLError, Lexer, Source, TokenKind, ValidationContext, ValidationRule } from "graphql";
import { GatewayConfig } from "./config";

/** Depth, alias and cost limits, checked with the rest of validation (GRAPHQL_VALIDATION_FAILED). */
export function limitRules(limits: GatewayConfig["limits"]): ValidationRule[] {
  // The armor rules throw by default, which surfaces as an internal error; reported instead, the
  // failures join the other validation errors.
  const report = {
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) =>
        context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, ""))),
    ],
  };
  return [
    maxDepthRule({ n: limits.maxDepth, ignoreIntrospection: true, ...report }) as unknown as ValidationRule,
    maxAliasesRule({ n: limits.maxAliases, ...report }) as unknown as ValidationRule,
    costLimitRule({ maxCost: limits.maxCost, ignoreIntrospection: true, ...report }) as unknown as ValidationRule,
  ];
}

/** Counts lexer tokens, stopping at the limit: a huge document is refused before it is parsed. */
export function exceedsTokenLimit(query: string, maxTokens: number): boolean {
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
 * Request-shape checks that come before GraphQL: one operation per request (no batching), and a
 * bounded number of tokens.
 */
export function requestShapeGuard(limits: GatewayConfig["limits"]) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (Array.isArray(req.body)) {
      return sendError(res, requestError("BAD_REQUEST", "Batched operations are not supported: send one operation per request"));
    }
    const query = req.method === "GET" ? req.query.query : req.body?.query;
    if (typeof query === "string" && exceedsTokenLimit(query, limits.maxTokens)) {
      return sendError(
        res,
        requestError("BAD_REQUEST", `Query is too large: more than ${limits.maxTokens} tokens`, { limit: "MAX_TOKENS" }),
      );
    }
    next();
  };
}

/**
 * An operation the gateway cannot run over HTTP is the client's mistake, not an internal error
 * (which is what the gateway's executor makes of it): an operationName the document does not
 * define, several operations and no name, or a subscription (served over graphql-ws only).
 */
export const httpOperationGuard: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation, request }) {
        if (!operation) {
          throw requestError(
            "OPERATION_RESOLUTION_FAILURE",
            request.operationName
              ? `The document has no operation named ${JSON.stringify(request.operationName)}`
              : "The document has several operations: say which one in operationName",
          );
        }
        if (operation.operation === "subscription") {
          throw requestError("BAD_REQUEST", "Subscriptions are served over WebSocket (graphql-ws) at this URL, not over HTTP");
        }
      },
    };
  },
};

export function sendError(res: Response, error: import("graphql").GraphQLError): void {
  const http = error.extensions.http as { status: number; headers?: Map<string, string> } | undefined;
  for (const [name, value] of http?.headers ?? []) res.setHeader(name, value);
  const { http: _http, ...extensions } = error.extensions;
  res.status(http?.status ?? 400).json({ errors: [{ message: error.message, extensions }] });
}

/** express.json failures (malformed JSON, oversized bodies) as GraphQL-shaped errors with a code. */
export function bodyErrorHandler(maxBodyBytes: number) {
  return (error: any, _req: Request, res: Response, next: NextFunction) => {
    if (error?.type === "entity.too.large") {
      return sendError(res, requestError("PAYLOAD_TOO_LARGE", `Request body is larger than ${maxBodyBytes} bytes`));
    }
    if (error?.type === "entity.parse.failed") {
      return sendError(res, requestError("BAD_REQUEST", "Request body is not valid JSON"));
    }
    if (error?.type === "encoding.unsupported" || error?.type === "charset.unsupported") {
      return sendError(res, requestError("BAD_REQUEST", "Unsupported request encoding"));
    }
    next(error);
  };
}

import type { ApolloServerPlugin } from "@apollo/server";
import type { Request } from "express";
import type { GatewayContext } from "./context";

/** The media types Apollo Server answers a single result in, in its order of preference. */
const RESULT_MEDIA_TYPES = ["application/json", "application/graphql-response+json"];

/** What Apollo Server will answer this request in (its own negotiation, over the same Accept header). */
export function resultMediaType(req: Request): string | undefined {
  if (!req.header("accept")) return "application/json";
  return req.accepts(RESULT_MEDIA_TYPES) || undefined;
}

/**
 * Errors of a well-formed request that the GraphQL-over-HTTP spec answers with 200 in
 * application/json: the document does not parse, does not validate (our limits included), or its
 * variables do not fit. Apollo Server answers them 400 whatever the media type; clients of the
 * legacy type (most of them) read the errors from a 200, and application/graphql-response+json
 * keeps the 400 the spec asks for there.
 */
const SPEC_200_CODES = new Set(["GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"]);

export const specStatusCodes: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        if (contextValue.resultMediaType !== "application/json") return;
        if (response.http.status !== 400 || response.body.kind !== "single") return;
        const { data, errors } = response.body.singleResult;
        if (data !== undefined || !errors?.length) return;
        if (errors.every((error) => SPEC_200_CODES.has(String(error.extensions?.code)))) response.http.status = 200;
      },
    };
  },
};

import type { ApolloServerPlugin } from "@apollo/server";
import { requestError } from "@solo/kit";
import { OperationTypeNode } from "graphql";

/** The gateway's request limits are the kit's, shared with every subgraph (with the gateway's numbers). */
export { bodyErrorHandler, limitRules, requestShapeGuard, tokenLimitError } from "@solo/kit";

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
        if (operation.operation === OperationTypeNode.SUBSCRIPTION) {
          throw requestError("BAD_REQUEST", "Subscriptions are served over WebSocket (graphql-ws) at this URL, not over HTTP");
        }
      },
    };
  },
};

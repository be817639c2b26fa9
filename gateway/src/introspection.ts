import type { ApolloServerPlugin } from "@apollo/server";
import { isAdmin, requestError } from "@solo/kit";
import type { DocumentNode } from "graphql";
import { BREAK, visit } from "graphql";
import type { GatewayContext } from "./context";

export function usesIntrospection(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value === "__schema" || node.name.value === "__type") {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** Introspection is a map of the API: in production only admins get it. */
export function introspectionGuard(policy: "everyone" | "admins"): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      if (policy === "everyone") return;
      return {
        async didResolveOperation({ document, contextValue }) {
          if (usesIntrospection(document) && !isAdmin(contextValue.identity)) {
            throw requestError("FORBIDDEN", "Introspection is disabled");
          }
        },
      };
    },
  };
}

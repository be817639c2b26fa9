import type { ApolloServerPlugin } from "@apollo/server";
import type { DocumentNode, SelectionSetNode } from "graphql";
import { Kind, OperationTypeNode } from "graphql";
import type { GatewayContext } from "./context";
import type { createRateLimiter } from "./rate-limit";

/** Mutations that check a password. */
const SIGN_IN_FIELDS = new Set(["login"]);
/** What the users subgraph marks a wrong email or password with. */
const FAILED_SIGN_IN = "INVALID_CREDENTIALS";

function selectsSignIn(selectionSet: SelectionSetNode, document: DocumentNode, seen = new Set<string>()): boolean {
  return selectionSet.selections.some((selection) => {
    if (selection.kind === Kind.FIELD) return SIGN_IN_FIELDS.has(selection.name.value);
    if (selection.kind === Kind.INLINE_FRAGMENT) return selectsSignIn(selection.selectionSet, document, seen);
    const name = selection.name.value;
    if (seen.has(name)) return false;
    seen.add(name);
    const fragment = document.definitions.find((definition) => definition.kind === Kind.FRAGMENT_DEFINITION && definition.name.value === name);
    return fragment?.kind === Kind.FRAGMENT_DEFINITION && selectsSignIn(fragment.selectionSet, document, seen);
  });
}

/**
 * Password guessing is paid for by the caller's IP whatever credentials the request carries: a
 * request with someone's valid token is counted in that user's bucket, so without this it could
 * guess other accounts' passwords outside the IP's limit. A sign-in made with credentials is refused
 * once the IP's anonymous budget is spent, and every failed sign-in counts against it (an anonymous
 * request's own point pays for its first, so aliased logins cannot multiply guesses per point).
 */
export function signInGuard(rateLimiter: ReturnType<typeof createRateLimiter>): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue: { identity, ip } }) {
      if (!ip) return;
      return {
        async didResolveOperation({ operation, document }) {
          if (identity.kind !== "anonymous" && operation?.operation === OperationTypeNode.MUTATION && selectsSignIn(operation.selectionSet, document)) {
            await rateLimiter.requireIpBudget(ip);
          }
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== "single") return;
          const failures = response.body.singleResult.errors?.filter((error) => error.extensions?.reason === FAILED_SIGN_IN).length ?? 0;
          const uncounted = identity.kind === "anonymous" ? failures - 1 : failures;
          if (uncounted > 0) await rateLimiter.countFailedSignIns(ip, uncounted);
        },
      };
    },
  };
}

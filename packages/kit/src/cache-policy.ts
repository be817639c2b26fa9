import type { ApolloServerPlugin } from "@apollo/server";
import type {
  ConstDirectiveNode,
  DocumentNode,
  FragmentDefinitionNode,
  GraphQLCompositeType,
  GraphQLField,
  GraphQLNamedType,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
} from "graphql";
import { Kind, getNamedType, isCompositeType, isObjectType, isInterfaceType } from "graphql";

type Scope = "PUBLIC" | "PRIVATE";

interface Hint {
  maxAge?: number;
  scope?: Scope;
  inheritMaxAge?: true;
}

/** What an answer may be kept for, and by whom: Apollo's CachePolicy, as plain data. */
interface CachePolicy {
  maxAge?: number;
  scope?: Scope;
}

const NO_HINT: Hint = {};

/** Apollo's `replace`: what the hint says overrides what the policy says. */
function replace(policy: CachePolicy, hint: Hint): void {
  if (hint.maxAge !== undefined) policy.maxAge = hint.maxAge;
  if (hint.scope !== undefined) policy.scope = hint.scope;
}

/** Apollo's `restrict`: the shorter maxAge, and PRIVATE over PUBLIC. */
function restrict(policy: CachePolicy, hint: CachePolicy): void {
  if (hint.maxAge !== undefined && (policy.maxAge === undefined || hint.maxAge < policy.maxAge)) policy.maxAge = hint.maxAge;
  if (hint.scope !== undefined && policy.scope !== "PRIVATE") policy.scope = hint.scope;
}

function hintFromDirectives(directives: readonly ConstDirectiveNode[] | undefined): Hint | undefined {
  const directive = directives?.find((each) => each.name.value === "cacheControl");
  if (!directive) return undefined;
  const argument = (name: string) => directive.arguments?.find((each) => each.name.value === name)?.value;
  const maxAge = argument("maxAge");
  const scope = argument("scope");
  const inheritMaxAge = argument("inheritMaxAge");
  const scopeName = scope?.kind === Kind.ENUM && (scope.value === "PUBLIC" || scope.value === "PRIVATE") ? scope.value : undefined;
  if (inheritMaxAge?.kind === Kind.BOOLEAN && inheritMaxAge.value) return { inheritMaxAge: true, scope: scopeName };
  return { maxAge: maxAge?.kind === Kind.INT ? parseInt(maxAge.value, 10) : undefined, scope: scopeName };
}

const typeHints = new WeakMap<GraphQLNamedType, Hint>();
const fieldHints = new WeakMap<GraphQLField<unknown, unknown>, Hint>();

function typeHint(type: GraphQLNamedType): Hint {
  let hint = typeHints.get(type);
  if (!hint) {
    hint = hintFromDirectives(type.astNode?.directives) ?? type.extensionASTNodes.map((node) => hintFromDirectives(node.directives)).find(Boolean) ?? NO_HINT;
    typeHints.set(type, hint);
  }
  return hint;
}

function fieldHint(field: GraphQLField<unknown, unknown>): Hint {
  let hint = fieldHints.get(field);
  if (!hint) {
    hint = hintFromDirectives(field.astNode?.directives) ?? NO_HINT;
    fieldHints.set(field, hint);
  }
  return hint;
}

/**
 * The cache policy of an operation, from the `@cacheControl` hints of every field it selects, by
 * the rules of Apollo's cache-control plugin (which applies them to each field as it resolves):
 * a field returning an object, interface or union takes its type's hint, then its own; one
 * without a maxAge makes the answer uncacheable unless it inherits its parent's (a scalar, or
 * `inheritMaxAge`), and so does a root field without one. `_entities` takes the hints of the
 * entity types it selects, as @apollo/subgraph restricts it by each representation's type.
 *
 * Read from the document, not the run: fields a run would skip (below a null, an empty list, a
 * type condition no item meets, `@skip`) count too, so the policy is the same or shorter, never
 * longer, than the one Apollo's plugin would compute for that run.
 */
function operationCachePolicy(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): CachePolicy {
  const policy: CachePolicy = {};
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const root = schema.getRootType(operation.operation);
  if (!root) return { maxAge: 0 };

  const visit = (selectionSet: SelectionSetNode, parentType: GraphQLCompositeType, atRoot: boolean, spread: ReadonlySet<string>) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parentType;
        if (type && isCompositeType(type)) visit(selection.selectionSet, type, atRoot, spread);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        const type = fragment && schema.getType(fragment.typeCondition.name.value);
        if (fragment && type && isCompositeType(type) && !spread.has(fragment.name.value)) {
          visit(fragment.selectionSet, type, atRoot, new Set([...spread, fragment.name.value]));
        }
        continue;
      }
      const name = selection.name.value;
      if (name === "__typename") continue;
      const field = isObjectType(parentType) || isInterfaceType(parentType) ? parentType.getFields()[name] : undefined;
      if (!field) {
        // Introspection (__schema, __type): never kept.
        restrict(policy, { maxAge: 0 });
        continue;
      }
      const target = getNamedType(field.type);
      const fieldPolicy: CachePolicy = {};
      let inheritMaxAge = false;
      if (isCompositeType(target)) {
        const hint = typeHint(target);
        replace(fieldPolicy, hint);
        inheritMaxAge = !!hint.inheritMaxAge;
      }
      const own = fieldHint(field);
      if (own.inheritMaxAge && fieldPolicy.maxAge === undefined) {
        inheritMaxAge = true;
        if (own.scope) replace(fieldPolicy, { scope: own.scope });
      } else replace(fieldPolicy, own);
      if (atRoot && name === "_entities" && selection.selectionSet) {
        for (const entityType of typeConditions(selection.selectionSet, fragments)) {
          const type = schema.getType(entityType);
          const hint = type ? typeHint(type) : NO_HINT;
          if (hint !== NO_HINT) restrict(fieldPolicy, hint);
        }
      }
      if (fieldPolicy.maxAge === undefined && ((isCompositeType(target) && !inheritMaxAge) || atRoot)) restrict(fieldPolicy, { maxAge: 0 });
      restrict(policy, fieldPolicy);
      if (selection.selectionSet && isCompositeType(target)) visit(selection.selectionSet, target, false, spread);
    }
  };
  visit(operation.selectionSet, root, true, new Set());
  return policy;
}

/** The type names of the fragments directly in a selection set (what `_entities` is asked for). */
function typeConditions(selectionSet: SelectionSetNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): string[] {
  return selectionSet.selections.flatMap((selection) => {
    if (selection.kind === Kind.INLINE_FRAGMENT) return selection.typeCondition ? [selection.typeCondition.name.value] : [];
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const fragment = fragments.get(selection.name.value);
      return fragment ? [fragment.typeCondition.name.value] : [];
    }
    return [];
  });
}

/** The Cache-Control header Apollo's plugin would set for a policy: `max-age=N, public|private`, or `no-store`. */
function cacheControlHeader(policy: CachePolicy | undefined): string {
  return policy?.maxAge !== undefined && policy.maxAge > 0 ? `max-age=${policy.maxAge}, ${(policy.scope ?? "PUBLIC").toLowerCase()}` : "no-store";
}

const policies = new WeakMap<DocumentNode, Map<OperationDefinitionNode, CachePolicy>>();

/** operationCachePolicy, once per document and operation. */
function cachedPolicy(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): CachePolicy {
  let byOperation = policies.get(document);
  if (!byOperation) policies.set(document, (byOperation = new Map<OperationDefinitionNode, CachePolicy>()));
  let policy = byOperation.get(operation);
  if (!policy) byOperation.set(operation, (policy = operationCachePolicy(schema, document, operation)));
  return policy;
}

/** The Cache-Control header of an answer to `operation` without errors (with errors: `no-store`). */
export function operationCacheControl(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): string {
  return cacheControlHeader(cachedPolicy(schema, document, operation));
}

/**
 * Sets each answer's Cache-Control from its operation's policy (operationCachePolicy), computed
 * once per document: what Apollo's cache-control plugin sends, without its hook on every field of
 * every answer (install ApolloServerPluginCacheControlDisabled beside it). Answers with errors
 * are `no-store`, as Apollo's are.
 */
export function cachePolicyPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      let policy: CachePolicy | undefined;
      return {
        async didResolveOperation({ schema, document, operation }) {
          if (operation) policy = cachedPolicy(schema, document, operation);
        },
        async willSendResponse({ response }) {
          const answered = response.body.kind === "single" && !response.body.singleResult.errors;
          response.http.headers.set("cache-control", answered ? cacheControlHeader(policy) : "no-store");
        },
      };
    },
  };
}

import { BoundedMap, subscriptionTopic } from "@solo/kit";
import type { DocumentNode, FieldNode, GraphQLSchema, OperationDefinitionNode, ValidationRule } from "graphql";
import { GraphQLError, Kind, OperationTypeNode, getArgumentValues, getOperationAST, getVariableValues, parse, specifiedRules, validate, visit } from "graphql";
import type { SubscribePayload } from "graphql-ws";
import type { LiveField } from "./live-fields";

/** What a valid subscribe message asks for: the topic to listen on and the query to run per event. */
export interface SubscriptionPlan {
  field: string;
  live: LiveField;
  topic: string;
  /** The field's arguments, as the topic was made from them. */
  args: Record<string, unknown>;
  /** The subscriber's selection as a query of the field's lookup, keeping the response key. */
  lookup: DocumentNode;
  variables: Record<string, unknown>;
  /** For graphql-ws: the subscription as sent. */
  document: DocumentNode;
}

/**
 * Subscription documents that passed parsing and validation, per schema (a new supergraph starts
 * afresh). A gateway's sockets resubscribe the same few documents, all at once when another
 * replica's restart moves them here: validating each anew took ~4 ms on a just-started gateway,
 * the largest part of a resubscribe. Only valid documents are kept, at most `maxEntries` a schema.
 */
export class ValidatedDocuments {
  private readonly bySchema = new WeakMap<GraphQLSchema, BoundedMap<string, DocumentNode>>();

  constructor(private readonly maxEntries: number) {}

  get(schema: GraphQLSchema, query: string): DocumentNode | undefined {
    return this.bySchema.get(schema)?.get(query);
  }

  set(schema: GraphQLSchema, query: string, document: DocumentNode): void {
    let documents = this.bySchema.get(schema);
    if (!documents) this.bySchema.set(schema, (documents = new BoundedMap(this.maxEntries)));
    documents.set(query, document);
  }
}

const code = (name: string, message: string) => new GraphQLError(message, { extensions: { code: name } });

/**
 * The checks a subscription document gets before it may cost anything, with the codes HTTP uses:
 * parse (GRAPHQL_PARSE_FAILED), validation with the gateway's depth, alias and cost rules
 * (GRAPHQL_VALIDATION_FAILED), a subscription of a live field (BAD_REQUEST), variables and
 * arguments (BAD_USER_INPUT). Never throws: a client's mistake is an answer, not a crash.
 */
export function planSubscription(
  payload: SubscribePayload,
  schema: GraphQLSchema,
  liveFields: Map<string, LiveField>,
  limitRules: readonly ValidationRule[],
  validated?: ValidatedDocuments,
): SubscriptionPlan | GraphQLError[] {
  let document = validated?.get(schema, payload.query);
  if (!document) {
    try {
      document = parse(payload.query);
    } catch (error) {
      return [code("GRAPHQL_PARSE_FAILED", (error as Error).message)];
    }
    const invalid = validate(schema, document, [...specifiedRules, ...limitRules]);
    if (invalid.length) return invalid.map((error) => code("GRAPHQL_VALIDATION_FAILED", error.message));
    validated?.set(schema, payload.query, document);
  }

  const operation = getOperationAST(document, payload.operationName);
  if (!operation) return [code("OPERATION_RESOLUTION_FAILURE", "Name the operation to run (operationName) among those sent")];
  if (operation.operation !== OperationTypeNode.SUBSCRIPTION) return [code("BAD_REQUEST", "Send queries and mutations over HTTP; this socket serves subscriptions")];
  const field = operation.selectionSet.selections[0];
  if (field?.kind !== Kind.FIELD) return [code("BAD_REQUEST", "Select the subscription field directly")];
  const live = liveFields.get(field.name.value);
  const definition = schema.getSubscriptionType()?.getFields()[field.name.value];
  if (!live || !definition) return [code("BAD_REQUEST", `${field.name.value} is not a live field`)];

  const variables = getVariableValues(schema, operation.variableDefinitions ?? [], payload.variables ?? {}, { maxErrors: 10 });
  if (variables.errors) return variables.errors.map((error) => code("BAD_USER_INPUT", error.message));
  let args: Record<string, unknown>;
  try {
    args = getArgumentValues(definition, field, variables.coerced);
  } catch (error) {
    return [code("BAD_USER_INPUT", (error as Error).message)];
  }
  // Only the variables the operation declares travel on: they key the group and run every read.
  const declared = new Set((operation.variableDefinitions ?? []).map((definition) => definition.variable.name.value));
  return {
    field: field.name.value,
    live,
    topic: subscriptionTopic(field.name.value, args),
    args,
    lookup: toLookupQuery(document, operation, field, live.lookup),
    variables: Object.fromEntries(Object.entries(payload.variables ?? {}).filter(([name]) => declared.has(name))),
    document,
  };
}

/** subscription { alias: field(args) { … } } → query { alias: lookup(args) { … } }, keeping the response key. */
function toLookupQuery(document: DocumentNode, operation: OperationDefinitionNode, field: FieldNode, lookup: string): DocumentNode {
  const responseKey = field.alias?.value ?? field.name.value;
  return visit(document, {
    OperationDefinition(node) {
      if (node !== operation) return null;
      return { ...node, operation: "query" as never };
    },
    Field(node) {
      if (node !== field) return undefined;
      return { ...node, alias: { kind: Kind.NAME, value: responseKey }, name: { kind: Kind.NAME, value: lookup } };
    },
  });
}

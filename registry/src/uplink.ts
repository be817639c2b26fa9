import type { DocumentNode, ExecutionResult } from "graphql";
import { GraphQLError, Kind, NoSchemaIntrospectionCustomRule, buildSchema, execute, getOperationAST, specifiedRules, validate } from "graphql";
import type { Caller } from "./auth";
import { holds, identify } from "./auth";
import { parseBounded } from "./parse-limits";
import { RegistryError } from "./errors";
import type { Launch } from "./store";

/*
 * Apollo's Uplink protocol, so stock @apollo/gateway (uplinkEndpoints) and Apollo Router
 * (APOLLO_UPLINK_ENDPOINTS) take their supergraph from the registry. The graph is `solo`, its one
 * variant `current`; the protocol's apiKey is a registry:read API key or a platform service token.
 */

export const GRAPH_REF = "solo@current";

const schema = buildSchema(`
  type Query {
    routerConfig(ref: String!, apiKey: String!, ifAfterId: ID): RouterConfigResponse!
  }
  union RouterConfigResponse = RouterConfigResult | Unchanged | FetchError
  type RouterConfigResult {
    id: ID!
    supergraphSDL: String!
    minDelaySeconds: Float!
    messages: [Message!]!
  }
  type Unchanged {
    id: ID!
    minDelaySeconds: Float!
  }
  type FetchError {
    code: FetchErrorCode!
    message: String!
    minDelaySeconds: Float!
  }
  enum FetchErrorCode {
    AUTHENTICATION_FAILED
    ACCESS_DENIED
    UNKNOWN_REF
    RETRY_LATER
    NOT_IMPLEMENTED_ON_THIS_INSTANCE
  }
  type Message {
    level: MessageLevel!
    body: String!
  }
  enum MessageLevel {
    ERROR
    WARN
    INFO
  }
`);

interface UplinkContext {
  usersUrl: string | undefined;
  minDelaySeconds: number;
  currentLaunch: () => Promise<Launch | null>;
}

/** One request's: a key is checked with the users subgraph once however the request names it. */
type RequestContext = UplinkContext & { identify: (credential: string) => Promise<Caller> };

/** The queries of @apollo/gateway and Apollo Router are a few hundred characters and nest 4 levels. */
const UPLINK_LIMITS = { maxTokens: 2_000, maxDepth: 16 };

async function routerConfig(args: { ref: string; apiKey: string; ifAfterId?: string | null }, context: RequestContext): Promise<Record<string, unknown>> {
  const delay = context.minDelaySeconds;
  const fetchError = (code: string, message: string) => ({ __typename: "FetchError", code, message, minDelaySeconds: delay });
  let caller;
  try {
    caller = await context.identify(args.apiKey);
  } catch (error) {
    if (error instanceof RegistryError && error.code === "SERVICE_UNAVAILABLE") return fetchError("RETRY_LATER", error.message);
    if (error instanceof RegistryError) return fetchError("AUTHENTICATION_FAILED", "unknown or revoked API key");
    throw error;
  }
  if (!holds(caller, "registry:read")) return fetchError("ACCESS_DENIED", "this API key lacks the registry:read scope");
  // The supergraph is the whole graph; a key bound to a variant sees that variant's API only.
  if (caller.kind === "apiKey" && caller.variant) return fetchError("ACCESS_DENIED", `this API key is bound to variant ${caller.variant}, which has no supergraph`);
  if (args.ref !== GRAPH_REF) return fetchError("UNKNOWN_REF", `unknown graph ref ${args.ref}: this registry serves ${GRAPH_REF}`);
  const launch = await context.currentLaunch();
  if (!launch) return fetchError("RETRY_LATER", "nothing has been published yet");
  if (args.ifAfterId === launch.id) return { __typename: "Unchanged", id: launch.id, minDelaySeconds: delay };
  return { __typename: "RouterConfigResult", id: launch.id, supergraphSDL: launch.supergraphSdl, minDelaySeconds: delay, messages: [] };
}

/** Runs one Uplink request (the GraphQL body as sent). */
export async function answerUplink(body: unknown, context: UplinkContext): Promise<{ status: number; result: ExecutionResult }> {
  const request = (body && typeof body === "object" ? body : {}) as { query?: unknown; variables?: unknown; operationName?: unknown };
  if (typeof request.query !== "string" || request.query.length > 100_000) return refused("the body must carry a GraphQL query");
  let document: DocumentNode;
  try {
    document = parseBounded(request.query, UPLINK_LIMITS, { noLocation: true });
  } catch (error) {
    return refused((error as Error).message);
  }
  const errors = validate(schema, document, [...specifiedRules, NoSchemaIntrospectionCustomRule]);
  if (errors.length) return { status: 400, result: { errors } };
  const operationName = typeof request.operationName === "string" ? request.operationName : undefined;
  const operation = getOperationAST(document, operationName);
  if (!operation) return refused("name the operation to run (operationName)");
  // One supergraph per request: aliases could ask for hundreds (each a key check and a copy of the SDL).
  const [selection, ...more] = operation.selectionSet.selections;
  if (more.length || selection.kind !== Kind.FIELD || selection.alias || selection.name.value !== "routerConfig") {
    return refused("Uplink answers exactly one routerConfig field, without an alias");
  }
  const variables = request.variables && typeof request.variables === "object" ? (request.variables as Record<string, unknown>) : undefined;
  const callers = new Map<string, Promise<Caller>>();
  const requestContext: RequestContext = {
    ...context,
    identify: (credential) => {
      let caller = callers.get(credential);
      if (!caller) callers.set(credential, (caller = identify(credential, context.usersUrl)));
      return caller;
    },
  };
  const result = await execute({
    schema,
    document,
    variableValues: variables,
    operationName,
    rootValue: { routerConfig: (args: Parameters<typeof routerConfig>[0]) => routerConfig(args, requestContext) },
  });
  return { status: result.data ? 200 : 400, result };
}

const refused = (message: string) => ({ status: 400, result: { errors: [new GraphQLError(message)] } });

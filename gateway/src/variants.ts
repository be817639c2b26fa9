import type { ApolloServerPlugin } from "@apollo/server";
import type { EventBus, Identity, Logger } from "@solo/kit";
import { VARIANT_EVENT } from "@solo/registry";
import { requestError } from "@solo/kit";
import type { DocumentNode, GraphQLSchema, OperationDefinitionNode } from "graphql";
import { GraphQLError, buildSchema, getOperationAST, parse, specifiedRules, validate } from "graphql";
import { getVariableValues } from "graphql/execution/values";
import type { GatewayContext } from "./context";
import { usesIntrospection } from "./introspection";
import type { RegistryHttp } from "./registry-http";

/** The variant a key is bound to, if any. */
function variantOf(identity: Identity): string | undefined {
  return identity.kind === "apiKey" && identity.variant ? identity.variant : undefined;
}

interface CachedVariant {
  launchId: string;
  schema: Promise<GraphQLSchema>;
  /** The schema once loaded: the fallback while the next launch's cannot be. */
  loaded?: GraphQLSchema;
  loadedAt: number;
  refreshing?: boolean;
}

/**
 * Variants' API schemas, from the registry, for the launch the gateway serves: a key bound to a
 * variant may run only what validates against that variant's API. A variant's filter can change
 * without a launch: the registry's `registry.variant` event drops that variant's schema at once, and
 * each is fetched again every `revalidateMs` in case an event was missed. Anything short of a schema
 * in hand (no registry, an unknown variant, the registry not answering) refuses (fail closed), except
 * that after a launch the previous launch's schema serves while the registry cannot be reached.
 */
export function variantSchemas(options: { registry?: RegistryHttp; launchId: () => string | undefined; logger: Logger; bus?: EventBus; revalidateMs?: number }) {
  const cache = new Map<string, CachedVariant>();
  /** Each variant's last schema loaded, whichever launch: served while a new launch's cannot be fetched. */
  const lastLoaded = new Map<string, GraphQLSchema>();
  const revalidateMs = options.revalidateMs ?? 5_000;
  const unsubscribe = options.bus?.subscribe(VARIANT_EVENT, (payload) => {
    if (typeof payload.name !== "string") return;
    lastLoaded.delete(payload.name);
    if (cache.delete(payload.name)) options.logger.info({ variant: payload.name }, "a variant's filter changed: its schema is loaded again");
  });

  async function load(variant: string, launchId: string): Promise<GraphQLSchema> {
    const response = await options
      .registry!.request(`/variants/${encodeURIComponent(variant)}/schema/api.graphql?version=${encodeURIComponent(launchId)}`)
      .catch((error: unknown) => {
        options.logger.warn({ err: error, variant }, "could not fetch a variant's schema from the registry");
        return undefined;
      });
    if (response?.status === 404) throw requestError("FORBIDDEN", `This key is bound to variant ${JSON.stringify(variant)}, which the registry does not have`);
    if (!response?.ok) {
      if (response) options.logger.warn({ status: response.status, variant }, "could not fetch a variant's schema from the registry");
      throw requestError("SERVICE_UNAVAILABLE", "This key's API variant cannot be loaded right now");
    }
    return buildSchema(await response.text());
  }

  const unavailable = (error: unknown) => error instanceof GraphQLError && error.extensions.code === "SERVICE_UNAVAILABLE";

  /** Starts a load; a failed one is not kept (the next request asks again) unless `fallback` can serve. */
  function start(variant: string, launchId: string): CachedVariant {
    const fallback = lastLoaded.get(variant);
    const entry: CachedVariant = { launchId, loadedAt: Date.now(), schema: Promise.resolve(undefined as never) };
    entry.schema = load(variant, launchId).then(
      (schema) => {
        entry.loaded = schema;
        entry.loadedAt = Date.now();
        if (cache.get(variant) === entry) lastLoaded.set(variant, schema);
        return schema;
      },
      (error: unknown) => {
        if (cache.get(variant) === entry) cache.delete(variant);
        if (fallback && unavailable(error)) {
          options.logger.warn({ variant, launchId }, "serving the previous launch's schema of a variant: the registry cannot be reached");
          return fallback;
        }
        throw error;
      },
    );
    cache.set(variant, entry);
    return entry;
  }

  /** Fetches a loaded schema again in the background; the one in hand serves until another comes (or the variant is gone). */
  function revalidate(variant: string, entry: CachedVariant) {
    if (entry.refreshing || !entry.loaded || Date.now() - entry.loadedAt < revalidateMs) return;
    entry.refreshing = true;
    load(variant, entry.launchId).then(
      (schema) => {
        entry.loaded = schema;
        entry.schema = Promise.resolve(schema);
        entry.loadedAt = Date.now();
        if (cache.get(variant) === entry) lastLoaded.set(variant, schema);
        entry.refreshing = false;
      },
      (error: unknown) => {
        entry.refreshing = false;
        entry.loadedAt = Date.now();
        if (!unavailable(error) && cache.get(variant) === entry) {
          cache.delete(variant);
          lastLoaded.delete(variant);
        }
      },
    );
  }

  const schemaOf = async function schemaOf(variant: string): Promise<GraphQLSchema> {
    const launchId = options.launchId();
    if (!options.registry || !launchId) {
      throw requestError("FORBIDDEN", `This key is bound to variant ${JSON.stringify(variant)}, which this gateway (not reading the schema registry) cannot serve`);
    }
    const entry = cache.get(variant);
    if (entry?.launchId === launchId) {
      revalidate(variant, entry);
      return entry.schema;
    }
    return start(variant, launchId).schema;
  };
  return Object.assign(schemaOf, { close: async () => (await unsubscribe)?.() });
}

/** "Did you mean" names what the variant hides: a variant-bound key is told only what is wrong. */
function withoutSuggestions(message: string): string {
  return message.replace(/ Did you mean .*$/s, "");
}

/**
 * The operation's errors against the variant's API (introspection included: it would map the whole
 * API), and its variables coerced against that API too: a hidden input field or enum value sent in
 * variables is refused as it would be in the text.
 */
function variantErrors(
  schema: GraphQLSchema,
  document: DocumentNode,
  variant: string,
  operation: OperationDefinitionNode | null | undefined,
  variables: Record<string, unknown> | undefined,
): GraphQLError[] {
  if (usesIntrospection(document)) {
    return [
      new GraphQLError(`Introspection is not served to keys of variant ${JSON.stringify(variant)}: fetch its schema from the registry`, {
        extensions: { code: "FORBIDDEN" },
      }),
    ];
  }
  const invalid = validate(schema, document, specifiedRules);
  if (invalid.length) {
    return invalid.map(
      (error) => new GraphQLError(withoutSuggestions(error.message), { nodes: error.nodes, extensions: { code: "GRAPHQL_VALIDATION_FAILED", variant } }),
    );
  }
  if (!operation) return [];
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}, { maxErrors: 5 });
  return (coerced.errors ?? []).map(
    (error) => new GraphQLError(withoutSuggestions(error.message), { nodes: error.nodes, extensions: { code: "BAD_USER_INPUT", variant } }),
  );
}

/** Validates each operation of a variant-bound key against its variant's API before it runs. */
export function variantGuard(schemaOf: (variant: string) => Promise<GraphQLSchema>): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      const variant = variantOf(contextValue.identity);
      if (!variant) return;
      return {
        // Apollo validates against the whole API first: its "Did you mean" would name what the variant hides, in every mode.
        async willSendResponse({ response }) {
          if (response.body.kind !== "single" || !response.body.singleResult.errors) return;
          for (const error of response.body.singleResult.errors) (error as { message: string }).message = withoutSuggestions(error.message);
        },
        async didResolveOperation({ document, operation, request }) {
          const [first] = variantErrors(await schemaOf(variant), document, variant, operation, request.variables);
          // Apollo sends one error from this hook: the first says what is wrong.
          if (first) {
            const status = first.extensions.code === "FORBIDDEN" ? 403 : 400;
            throw new GraphQLError(first.message, { extensions: { ...first.extensions, http: { status, headers: new Map() } } });
          }
        },
      };
    },
  };
}

/** The same check for a graphql-ws subscribe. */
export async function variantSubscribeErrors(
  payload: { query: string; operationName?: string | null; variables?: Record<string, unknown> | null },
  identity: Identity,
  schemaOf: (variant: string) => Promise<GraphQLSchema>,
): Promise<GraphQLError[]> {
  const variant = variantOf(identity);
  if (!variant) return [];
  let document: DocumentNode;
  try {
    document = parse(payload.query);
  } catch {
    return []; // the subscription's own checks answer GRAPHQL_PARSE_FAILED
  }
  try {
    const operation = getOperationAST(document, payload.operationName ?? undefined);
    return variantErrors(await schemaOf(variant), document, variant, operation, payload.variables ?? undefined);
  } catch (error) {
    if (error instanceof GraphQLError) return [error];
    throw error;
  }
}

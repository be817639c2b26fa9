import type { GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import { RemoteGraphQLDataSource } from "@apollo/gateway";
import type { CredentialChange, ErrorCode, Logger } from "@solo/kit";
import {
  ANONYMOUS,
  CACHE_TAGS_HEADER,
  CREDENTIALS_CHANGED_HEADER,
  DATA_CHANGED_HEADER,
  IDENTITY_HEADER,
  parseCacheTags,
  parseCredentialChange,
  REQUEST_ID_HEADER,
  SignedIdentity,
  apiError,
  isClientError,
  signIdentity,
} from "@solo/kit";
import type { GraphQLError } from "graphql";
import type { GatewayContext } from "./context";
import { sharingInFlightQueries } from "./shared-fetches";

type DidReceiveResponse = NonNullable<RemoteGraphQLDataSource<GatewayContext>["didReceiveResponse"]>;

export interface SubgraphDataSourceOptions {
  name: string;
  url: string;
  /** A subgraph that has not answered by then counts as unavailable. */
  timeoutMs: number;
  logger: Logger;
  onFetch?: () => void;
  /** With it, identical queries in flight at once share one fetch, and this counts those that did. */
  onSharedFetch?: () => void;
  /** A subgraph's response said credentials changed (users, after a logout, a role change…). */
  onCredentialsChanged?: (change: CredentialChange) => void;
  /** A subgraph's response said what its mutation changed (DATA_CHANGED_HEADER): evict before answering. */
  onDataChanged?: (tags: string[]) => Promise<void>;
}

/**
 * Every subgraph request carries the caller's identity, signed by the gateway, and the request id.
 * A subgraph that cannot be reached, answers 5xx or does not answer in time makes the fields it
 * serves null, with one SERVICE_UNAVAILABLE error naming it; the rest of the answer stands.
 */
export class IdentityForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly options: SubgraphDataSourceOptions;

  constructor(options: SubgraphDataSourceOptions) {
    const timed: RemoteGraphQLDataSource["fetcher"] = (url, init) => fetch(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs) });
    super({ url: options.url, fetcher: options.onSharedFetch ? sharingInFlightQueries(timed, options.onSharedFetch) : timed });
    this.options = options;
  }

  override async willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    this.options.onFetch?.();
    const headers = options.request.http?.headers;
    // Only a client's operation carries our context; health checks and compose mode's introspection carry none.
    // (@apollo/gateway does not export the kinds' enum: the incoming request context tells them apart.)
    const context = "incomingRequestContext" in options ? options.context : undefined;
    if (!headers) return;
    if (context?.identity) {
      context.signedIdentity ??= new SignedIdentity(context.identity);
      headers.set(IDENTITY_HEADER, await context.signedIdentity.token());
    } else {
      // The gateway's own requests (compose mode's introspection) act for nobody: anonymous.
      headers.set(IDENTITY_HEADER, await signIdentity(ANONYMOUS));
    }
    if (context?.requestId) headers.set(REQUEST_ID_HEADER, context.requestId);
  }

  /**
   * Before the client hears of a change, this gateway forgets what the change ended (credentials,
   * cached answers). A query's answer adds what it read to the request's, for the response cache.
   */
  override async didReceiveResponse({ response, context }: Parameters<DidReceiveResponse>[0]): Promise<Awaited<ReturnType<DidReceiveResponse>>> {
    const headers = response.http?.headers;
    const header = headers?.get(CREDENTIALS_CHANGED_HEADER);
    if (header) {
      const change = parseCredentialChange(header);
      if (change) this.options.onCredentialsChanged?.(change);
      else this.options.logger.warn({ subgraph: this.options.name }, "ignored a credentials-changed header of an unknown shape");
    }
    const changed = headers?.get(DATA_CHANGED_HEADER);
    const changedTags = changed ? parseCacheTags(changed) : undefined;
    if (changedTags?.length) await this.options.onDataChanged?.(changedTags);
    const reads = (context as GatewayContext | undefined)?.cacheReads;
    if (reads) {
      const named = headers?.get(CACHE_TAGS_HEADER);
      const tags = named === null || named === undefined ? undefined : parseCacheTags(named);
      if (tags) tags.forEach((tag) => reads.tags.add(tag));
      else reads.untagged = true;
    }
    return response;
  }

  override didEncounterError(error: Error, _request: unknown, response?: { status: number }, context?: GatewayContext): never {
    const { name } = this.options;
    const status = response?.status;
    // A subgraph's own coded refusal (one of its limits) reaches the client as it was given.
    const refusal = ((error as GraphQLError).extensions?.response as { body?: { errors?: GraphQLError[] } } | undefined)?.body?.errors?.[0];
    const code = refusal?.extensions?.code;
    if (status !== undefined && status < 500 && status !== 401 && status !== 403 && isClientError(code)) {
      throw apiError(code as ErrorCode, refusal!.message, { ...refusal!.extensions, service: name });
    }
    // Down, restarting, overloaded or, for 401/403, not sharing this gateway's INTERNAL_TOKEN_SECRET:
    // either way its fields cannot be had now, which the caller can retry.
    const log = context?.log ?? this.options.logger;
    const details = { subgraph: name, status, cause: (error.cause as { code?: string } | undefined)?.code ?? error.name, message: error.message };
    if (status === 401 || status === 403) log.error(details, "subgraph refused the gateway's identity: is INTERNAL_TOKEN_SECRET the same on both?");
    else log.warn(details, "subgraph unavailable");
    throw apiError("SERVICE_UNAVAILABLE", `The ${name} service is unavailable`, { service: name });
  }
}

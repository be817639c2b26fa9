// The identity module alone, not the kit's index (MikroORM, Apollo Server): the CLI starts in a fraction of the time.
import { signServiceToken } from "@solo/kit/identity";
import type {
  ChangelogEntry,
  CheckReport,
  CheckRequest,
  CoordinateUsage,
  CurrentSubgraph,
  LaunchSummary,
  PublishOperationsRequest,
  PublishOperationsResult,
  PublishRequest,
  PublishResult,
  SchemaDiff,
  SchemaText,
  SubgraphVersion,
  SubgraphVersionSummary,
  TrustedOperation,
  UsageReport,
  Variant,
  VariantDefinition,
} from "./api-types";
import type { RegistryErrorCode } from "./errors";
import { RegistryError } from "./errors";

export const DEFAULT_REGISTRY_URL = "http://127.0.0.1:4100";

/** The service name a client without an API key signs its platform service token with. */
const SERVICE_NAME = "registry-client";

export interface RegistryClientOptions {
  /** The registry's base URL (REGISTRY_URL), e.g. http://127.0.0.1:4100. */
  url: string;
  /** An API key (`solo_…`); without one the client signs a platform service token (npm start, the gateway, CI). */
  apiKey?: string;
  /** Per request (30 s). */
  timeoutMs?: number;
}

/** A schema fetch with If-None-Match: the text, or "not modified" (304). */
export type ConditionalSchema = ({ modified: true } & SchemaText) | { modified: false; etag: string };

export interface SchemaQuery {
  /** A launch id; the current launch when absent. */
  version?: string;
  /** A variant's filtered API instead of the whole API. */
  variant?: string;
}

export type RouterConfigAnswer =
  | { __typename: "RouterConfigResult"; id: string; supergraphSDL: string; minDelaySeconds: number }
  | { __typename: "Unchanged"; id: string; minDelaySeconds: number }
  | { __typename: "FetchError"; code: string; message: string };

/** The registry's HTTP API, one method per route; refusals throw RegistryError with the registry's code. */
export class RegistryClient {
  private readonly base: string;

  constructor(private readonly options: RegistryClientOptions) {
    this.base = options.url.replace(/\/+$/, "");
  }

  publish(subgraph: string, request: PublishRequest): Promise<PublishResult> {
    return this.json("POST", `/subgraphs/${encodeURIComponent(subgraph)}/versions`, request);
  }

  async subgraphs(): Promise<CurrentSubgraph[]> {
    return (await this.json<{ subgraphs: CurrentSubgraph[] }>("GET", "/subgraphs")).subgraphs;
  }

  async history(subgraph: string): Promise<SubgraphVersionSummary[]> {
    return (await this.json<{ versions: SubgraphVersionSummary[] }>("GET", `/subgraphs/${encodeURIComponent(subgraph)}/versions`)).versions;
  }

  subgraphVersion(subgraph: string, versionId: string): Promise<SubgraphVersion> {
    return this.json("GET", `/subgraphs/${encodeURIComponent(subgraph)}/versions/${encodeURIComponent(versionId)}`);
  }

  check(subgraph: string, request: CheckRequest): Promise<CheckReport> {
    return this.json("POST", `/subgraphs/${encodeURIComponent(subgraph)}/checks`, request);
  }

  async supergraph(query: Pick<SchemaQuery, "version"> = {}): Promise<SchemaText> {
    const answer = await this.text(`/schema/supergraph.graphql${search({ version: query.version })}`);
    if (!answer.modified) throw new RegistryError(304, "UNEXPECTED_RESPONSE", "304 without If-None-Match");
    return answer;
  }

  async apiSchema(query: SchemaQuery = {}): Promise<SchemaText> {
    const answer = await this.conditionalApiSchema(query);
    if (!answer.modified) throw new RegistryError(304, "UNEXPECTED_RESPONSE", "304 without If-None-Match");
    return answer;
  }

  /** With `ifNoneMatch` (an ETag from before): `{ modified: false }` when the schema is still that one. */
  conditionalApiSchema(query: SchemaQuery & { ifNoneMatch?: string }): Promise<ConditionalSchema> {
    const prefix = query.variant ? `/variants/${encodeURIComponent(query.variant)}` : "";
    return this.text(`${prefix}/schema/api.graphql${search({ version: query.version })}`, query.ifNoneMatch);
  }

  async launches(): Promise<LaunchSummary[]> {
    return (await this.json<{ versions: LaunchSummary[] }>("GET", "/schema/versions")).versions;
  }

  async changelog(query: { limit?: number; variant?: string } = {}): Promise<ChangelogEntry[]> {
    const path = query.variant ? `/variants/${encodeURIComponent(query.variant)}/schema/changelog` : "/schema/changelog";
    return (await this.json<{ entries: ChangelogEntry[] }>("GET", `${path}${search({ limit: query.limit?.toString() })}`)).entries;
  }

  diff(from: string, to: string): Promise<SchemaDiff> {
    return this.json("GET", `/schema/diff${search({ from, to })}`);
  }

  putVariant(name: string, definition: VariantDefinition): Promise<Variant> {
    return this.json("PUT", `/variants/${encodeURIComponent(name)}`, definition);
  }

  async variants(): Promise<Variant[]> {
    return (await this.json<{ variants: Variant[] }>("GET", "/variants")).variants;
  }

  publishOperations(request: PublishOperationsRequest): Promise<PublishOperationsResult> {
    return this.json("POST", "/operations", request);
  }

  operation(hash: string): Promise<TrustedOperation> {
    return this.json("GET", `/operations/${encodeURIComponent(hash)}`);
  }

  async reportUsage(report: UsageReport): Promise<void> {
    await this.json("POST", "/usage", report);
  }

  usage(coordinate: string, query: { days?: number } = {}): Promise<CoordinateUsage> {
    return this.json("GET", `/usage/coordinates/${encodeURIComponent(coordinate)}${search({ days: query.days?.toString() })}`);
  }

  /** Apollo Uplink's routerConfig, authenticated by this client's key (or a service token) as the protocol's apiKey. */
  async routerConfig(query: { ref?: string; ifAfterId?: string } = {}): Promise<RouterConfigAnswer> {
    const apiKey = this.options.apiKey ?? (await signServiceToken(SERVICE_NAME));
    const answer = await this.json<{ data?: { routerConfig: RouterConfigAnswer }; errors?: { message: string }[] }>("POST", "/uplink", {
      query: ROUTER_CONFIG_QUERY,
      variables: { ref: query.ref ?? "solo@current", apiKey, ifAfterId: query.ifAfterId ?? null },
    });
    if (!answer.data) throw new RegistryError(200, "UNEXPECTED_RESPONSE", `uplink: ${answer.errors?.[0]?.message ?? "no data"}`);
    return answer.data.routerConfig;
  }

  private async headers(): Promise<Record<string, string>> {
    if (this.options.apiKey) return { "x-api-key": this.options.apiKey };
    try {
      return { authorization: `Bearer ${await signServiceToken(SERVICE_NAME)}` };
    } catch (error) {
      throw new RegistryError(0, "NO_CREDENTIALS", `no API key (SOLO_REGISTRY_KEY) and no platform service token: ${(error as Error).message}`);
    }
  }

  /** A response's text; a connection that drops while it is read is the registry unreachable, not a crash. */
  private async read(response: Response, method: string, path: string): Promise<string> {
    try {
      return await response.text();
    } catch (error) {
      throw new RegistryError(0, "REGISTRY_UNREACHABLE", `${method} ${this.base}${path}: the answer could not be read: ${(error as Error).message}`);
    }
  }

  private async send(method: string, path: string, init: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Response> {
    const headers = { ...(await this.headers()), ...init.headers };
    if (init.body !== undefined) headers["content-type"] = "application/json";
    try {
      return await fetch(this.base + path, {
        method,
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      throw new RegistryError(0, "REGISTRY_UNREACHABLE", `${method} ${this.base}${path}: ${(error as Error).message}`);
    }
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.send(method, path, { body });
    const text = await this.read(response, method, path);
    if (!response.ok) throw refusal(response.status, text);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new RegistryError(response.status, "UNEXPECTED_RESPONSE", `${method} ${path}: the answer is not JSON`);
    }
  }

  private async text(path: string, ifNoneMatch?: string): Promise<ConditionalSchema> {
    const response = await this.send("GET", path, { headers: ifNoneMatch ? { "if-none-match": ifNoneMatch } : {} });
    const etag = response.headers.get("etag") ?? "";
    if (response.status === 304) return { modified: false, etag };
    const text = await this.read(response, "GET", path);
    if (!response.ok) throw refusal(response.status, text);
    return { modified: true, sdl: text, etag };
  }
}

/** Uplink's routerConfig query, as Apollo Router asks it (stock @apollo/gateway aliases supergraphSDL as supergraphSdl). */
export const ROUTER_CONFIG_QUERY = `query SupergraphSdl($apiKey: String!, $ref: String!, $ifAfterId: ID) {
  routerConfig(ref: $ref, apiKey: $apiKey, ifAfterId: $ifAfterId) {
    __typename
    ... on RouterConfigResult {
      id
      supergraphSDL
      minDelaySeconds
    }
    ... on Unchanged {
      id
      minDelaySeconds
    }
    ... on FetchError {
      code
      message
    }
  }
}`;

function refusal(status: number, text: string): RegistryError {
  try {
    const { error } = JSON.parse(text) as { error?: { code?: RegistryErrorCode; message?: string; details?: Record<string, unknown> } };
    if (error?.code) return new RegistryError(status, error.code, error.message ?? error.code, error.details);
  } catch {
    // Not the registry's JSON (a proxy's page): said below.
  }
  return new RegistryError(status, "UNEXPECTED_RESPONSE", `HTTP ${status}: ${text.slice(0, 200)}`);
}

function search(params: Record<string, string | undefined>): string {
  const defined = Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return defined.length ? `?${new URLSearchParams(defined).toString()}` : "";
}

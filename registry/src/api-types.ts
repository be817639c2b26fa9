/*
 * The registry's HTTP API as its callers see it (the CLI, the gateway, npm start, CI): the bodies
 * each route takes and answers. Dates are ISO 8601 strings.
 */
import type { OperationType } from "./manifest";

export interface PublishRequest {
  sdl: string;
  url: string;
  author?: string;
  commit?: string;
}

export interface PublishResult {
  /** The subgraph version now current (the existing one when unchanged). */
  version: SubgraphVersionSummary;
  /** The launch (composed supergraph) now current. */
  launch: LaunchSummary;
  unchanged?: true;
}

export interface SubgraphVersionSummary {
  id: string;
  url: string;
  hash: string;
  author: string | null;
  commit: string | null;
  createdAt: string;
}

export interface SubgraphVersion extends SubgraphVersionSummary {
  subgraph: string;
  sdl: string;
}

export interface CurrentSubgraph {
  name: string;
  url: string;
  versionId: string;
  hash: string;
  createdAt: string;
}

export interface LaunchSummary {
  id: string;
  createdAt: string;
  /** The publish that made it. */
  trigger: { subgraph: string; versionId: string };
  supergraphHash: string;
  apiHash: string;
}

export type Criticality = "BREAKING" | "DANGEROUS" | "SAFE";

/** One schema change, as @graphql-inspector/core classes it. */
export interface Change {
  criticality: Criticality;
  type: string;
  message: string;
  path?: string;
}

export interface ChangelogEntry {
  launchId: string;
  createdAt: string;
  changes: Change[];
}

export interface SchemaDiff {
  from: string;
  to: string;
  changes: Change[];
}

export interface ClientRef {
  name: string;
  version: string | null;
}

export interface AffectedOperation {
  hash: string;
  name: string;
  clients: ClientRef[];
  /** "trusted" when it is a trusted document (whether or not the gateways also saw it), else "usage". */
  source: "trusted" | "usage";
  /** Everywhere the registry knows it from: an operation both trusted and seen is one operation. */
  sources: ("trusted" | "usage")[];
}

export interface CompositionErrorReport {
  code: string;
  message: string;
  locations: { subgraph: string | null; line: number; column: number }[];
}

export interface CheckRequest {
  sdl: string;
  url?: string;
}

export interface CheckReport {
  ok: boolean;
  subgraph: string;
  compositionErrors: CompositionErrorReport[];
  changes: (Change & { affected: AffectedOperation[] })[];
  failedOperations: (AffectedOperation & { errors: string[] })[];
  warnings: string[];
  /** Trusted documents and recently used operations validated against the proposed schema. */
  checkedOperations: number;
}

export interface VariantDefinition {
  include?: string[];
  exclude?: string[];
}

export interface Variant {
  name: string;
  include: string[];
  exclude: string[];
}

export interface PublishOperationsRequest {
  client: { name: string; version?: string };
  /** Apollo's persisted query manifest or codegen's `{ "<sha256>": "<body>" }`. */
  manifest: unknown;
}

export interface PublishOperationsResult {
  /** Operations new to the registry or to this client. */
  stored: number;
  unchanged: number;
}

export interface TrustedOperation {
  id: string;
  name: string;
  type: OperationType;
  body: string;
  clients: ClientRef[];
}

export interface UsageOperation {
  hash: string;
  name: string;
  type: OperationType;
  body: string;
  coordinates: string[];
}

export interface UsageCount {
  hash: string;
  /** UTC day, YYYY-MM-DD. */
  day: string;
  clientName: string;
  clientVersion: string;
  count: number;
}

export interface UsageReport {
  operations: UsageOperation[];
  counts: UsageCount[];
}

export interface CoordinateUsage {
  coordinate: string;
  days: number;
  operations: { hash: string; name: string; count: number; clients: { name: string; version: string; count: number }[] }[];
}

/** A schema text and its ETag (`"<sha256 of the text>"`). */
export interface SchemaText {
  sdl: string;
  etag: string;
}

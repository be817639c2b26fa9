import type { Identity, Logger, SignedIdentity } from "@solo/kit";

export interface GatewayContext {
  identity: Identity;
  requestId: string;
  log: Logger;
  /** The client's address (HTTP requests; live updates run without one). */
  ip?: string;
  /** The media type the HTTP answer is written in (HTTP requests; it decides the status of request errors). */
  resultMediaType?: string;
  /** The identity as subgraph fetches carry it, made on the request's first fetch. */
  signedIdentity?: SignedIdentity;
  /** Read from the subgraphs, never from the response cache, nor kept in it (a live update: an event says something changed). */
  fresh?: boolean;
  /** Set by the response cache for the request's queries; each subgraph fetch adds what it read. */
  cacheReads?: CacheReads;
}

/** What a request's subgraph fetches said they read, for the response cache. */
interface CacheReads {
  tags: Set<string>;
  /** A fetch named nothing it read (or too much): the answer cannot be evicted exactly, so it is not cached. */
  untagged: boolean;
}

import fs from "node:fs";
import type { Identity, Logger } from "@solo/kit";
import { GraphQLError } from "graphql";
import { BoundedMap, requestError } from "@solo/kit";
import { documentHash, parseManifest } from "@solo/registry";
import type { RegistryHttp } from "./registry-http";

/** Where the gateway finds a trusted document's text by its hash (sha256 hex of the text). */
export interface TrustedDocuments {
  get(hash: string): Promise<string | undefined>;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * A manifest file: Apollo's persisted query manifest, or codegen's `{ "<sha256>": "<body>" }`, read
 * by the registry's own parser (a hash that is not its body's refuses the whole file: it would let
 * one text pass for another).
 */
export function manifestDocuments(manifestPath: string): TrustedDocuments {
  let operations;
  try {
    ({ operations } = parseManifest(JSON.parse(fs.readFileSync(manifestPath, "utf8"))));
  } catch (error) {
    throw new Error(`${manifestPath}: not a usable manifest of trusted documents: ${(error as Error).message}`, { cause: error });
  }
  const documents = new Map(operations.map((operation) => [operation.id, operation.body]));
  return { get: async (hash) => documents.get(hash) };
}

/** How long "no such document" is believed: a manifest published a moment later is found soon after. */
const NOT_FOUND_MS = 5_000;
const MAX_CACHED = 10_000;

/**
 * The registry's trusted documents (GET /operations/:hash). A document found is kept for good
 * (its hash is its text); one not found is asked for again after a few seconds. A registry that
 * cannot answer is a refusal too (fail closed), said as unavailable, not as unknown.
 */
export function registryDocuments(registry: RegistryHttp, logger: Logger): TrustedDocuments {
  const found = new BoundedMap<string, string>(MAX_CACHED);
  const missing = new Map<string, number>();
  const pending = new Map<string, Promise<string | undefined>>();
  const ask = async (hash: string): Promise<string | undefined> => {
    const response = await registry.request(`/operations/${hash}`).catch((error: unknown) => {
      logger.warn({ err: error }, "trusted document lookup failed");
      return undefined;
    });
    if (response?.status === 404) {
      if (missing.size >= MAX_CACHED) missing.clear();
      missing.set(hash, Date.now() + NOT_FOUND_MS);
      return undefined;
    }
    if (!response?.ok) {
      if (response) logger.warn({ status: response.status }, "trusted document lookup failed");
      throw requestError("SERVICE_UNAVAILABLE", "Trusted documents cannot be looked up right now");
    }
    const { body } = (await response.json()) as { body?: unknown };
    if (typeof body !== "string" || documentHash(body) !== hash) {
      throw requestError("SERVICE_UNAVAILABLE", "Trusted documents cannot be looked up right now");
    }
    found.set(hash, body);
    return body;
  };
  return {
    async get(hash) {
      if (!SHA256_HEX.test(hash)) return undefined;
      const hit = found.get(hash);
      if (hit !== undefined) return hit;
      if ((missing.get(hash) ?? 0) > Date.now()) return undefined;
      // Requests for one new hash arriving together share one lookup.
      let lookup = pending.get(hash);
      if (!lookup) {
        lookup = ask(hash).finally(() => pending.delete(hash));
        pending.set(hash, lookup);
      }
      return lookup;
    },
  };
}

/** No documents: every hash is unknown (file mode without a manifest). */
export const noDocuments: TrustedDocuments = { get: async () => undefined };

/**
 * Apollo Server's APQ, read-only: its cache is the trusted set, where a hash finds only a document
 * published to it. A client sending a text with its hash registers nothing (APQ would store it for
 * anyone to run by hash next time).
 */
export function trustedDocumentCache(documents: TrustedDocuments) {
  return {
    // Apollo prefixes its keys ("apq:"); the hash is what follows.
    get: (key: string) => documents.get(key.slice(key.indexOf(":") + 1)),
    set: async () => undefined,
    delete: async () => false,
  };
}

/** What a request names by hash: `extensions.persistedQuery.sha256Hash`, over POST or GET. */
export function persistedQueryOf(request: { method: string; body?: unknown; query?: unknown }): { hash?: string; text?: string } {
  const source = (request.method === "GET" ? request.query : request.body) as Record<string, unknown> | undefined;
  if (!source || typeof source !== "object") return {};
  let extensions = source.extensions;
  if (typeof extensions === "string") {
    try {
      extensions = JSON.parse(extensions);
    } catch {
      return {}; // Apollo answers the malformed parameter itself
    }
  }
  const hash = (extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery?.sha256Hash;
  return { hash: typeof hash === "string" ? hash : undefined, text: typeof source.query === "string" && source.query ? source.query : undefined };
}

/** A text sent with a hash must be the text of that hash (coded here: Apollo's own refusal has no code). */
export function checkPersistedHash(request: { hash?: string; text?: string }): void {
  if (request.hash !== undefined && request.text !== undefined && documentHash(request.text) !== request.hash) {
    throw requestError("BAD_REQUEST", "extensions.persistedQuery.sha256Hash does not match the query sent with it");
  }
}

/** Whether this caller may send only trusted documents (a key so limited; anonymous, when required). */
export function requiresTrustedDocument(identity: Identity, anonymousRequired: boolean): boolean {
  if (identity.kind === "anonymous") return anonymousRequired;
  return identity.kind === "apiKey" && identity.trustedDocumentsOnly === true;
}

/**
 * Throws PERSISTED_QUERY_REQUIRED unless the request names a trusted document: by hash alone (an
 * unknown one gets PERSISTED_QUERY_NOT_FOUND from Apollo next), or by hash and the text it is of.
 */
export async function checkTrustedDocument(request: { hash?: string; text?: string }, documents: TrustedDocuments): Promise<void> {
  if (request.hash && (request.text === undefined || (await documents.get(request.hash)) !== undefined)) return;
  throw requestError("PERSISTED_QUERY_REQUIRED", "This client may only send trusted documents: send extensions.persistedQuery.sha256Hash of a published operation");
}

/**
 * The same rules for a graphql-ws subscribe: a hash is looked up (and must be of the text, if one
 * is sent), and a caller limited to trusted documents sends nothing else. Returns the payload to
 * run, with the document's text, or why not.
 */
export async function resolveSubscribeDocument<Payload extends { query: string; extensions?: Record<string, unknown> | null }>(
  payload: Payload,
  identity: Identity,
  documents: TrustedDocuments,
  anonymousRequired: boolean,
): Promise<Payload | GraphQLError[]> {
  const { hash, text } = persistedQueryOf({ method: "POST", body: payload });
  if (!hash) {
    if (!requiresTrustedDocument(identity, anonymousRequired)) return payload;
    return [
      apiErrorWithCode("PERSISTED_QUERY_REQUIRED", "This client may only send trusted documents: send extensions.persistedQuery.sha256Hash of a published operation"),
    ];
  }
  if (text !== undefined && documentHash(text) !== hash) {
    return [apiErrorWithCode("BAD_REQUEST", "extensions.persistedQuery.sha256Hash does not match the query sent with it")];
  }
  const trusted = await documents.get(hash);
  if (trusted !== undefined) return { ...payload, query: trusted };
  if (text !== undefined && !requiresTrustedDocument(identity, anonymousRequired)) return payload;
  return [apiErrorWithCode("PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound")];
}

const apiErrorWithCode = (code: string, message: string) => new GraphQLError(message, { extensions: { code } });

import type { DocumentTypeDecoration } from "@graphql-typed-document-node/core";
import type { ApiError } from "./errors";
import { SoloRequestError } from "./errors";
import type { LoginMutation } from "./generated/graphql";
import { LoginDocument, LogoutDocument, RefreshSessionDocument } from "./generated/graphql";
import type { LiveOptions, Sink } from "./live";
import { LiveSubscriptions, createLiveClient } from "./live";
import type { Tokens } from "./tokens";
import { TokenStore } from "./tokens";
import type { UploadOptions } from "./upload";
import { uploadFile } from "./upload";

/** A typed document: the generated `…Document` constants (or any TypedDocumentString). */
export type Document<Result, Variables> = DocumentTypeDecoration<Result, Variables> & { toString(): string };

/** Variables are optional where the operation has none required. */
type VariablesArgument<Variables> = Record<string, never> extends Variables ? [variables?: Variables] : [variables: Variables];

export interface SoloClientOptions {
  /** The API's GraphQL endpoint, e.g. `http://localhost:4000/graphql`. */
  url: string;
  /** Its WebSocket endpoint for live updates; by default `url` with ws(s):. */
  wsUrl?: string;
  /** A partner API key (sent as `x-api-key`); use it or tokens, not both. */
  apiKey?: string;
  /** Tokens kept from an earlier sign-in (e.g. from storage). */
  tokens?: Tokens;
  /** Called whenever the tokens change (sign-in, refresh, sign-out, a refused refresh): persist them here. */
  onTokens?: (tokens: Tokens | undefined) => void;
  /** `fetch` to use; by default the global one (browsers, React Native, Node 18+). */
  fetch?: typeof fetch;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** Live updates: the WebSocket class (Node 20 has none: pass `ws`'s), reconnect policy, connection events. */
  live?: LiveOptions;
}

export interface SoloClient {
  /** Sends a typed operation; resolves with its data, rejects with a SoloRequestError carrying the API's errors. */
  request<Result, Variables>(document: Document<Result, Variables>, ...variables: VariablesArgument<Variables>): Promise<Result>;
  /** Live updates over graphql-ws; reconnects and resubscribes by itself. Returns a function that stops it. */
  subscribe<Result, Variables>(document: Document<Result, Variables>, variables: Variables, sink: Sink<Result>): () => void;
  /** createUploadUrl → PUT with progress → completeUpload; resolves with the completed asset. */
  upload: (options: UploadOptions) => ReturnType<typeof uploadFile>;
  /** Signs in (the Login operation) and keeps the tokens. */
  signIn(email: string, password: string): Promise<LoginMutation["login"]["user"]>;
  /** Ends this login (Logout) and forgets the tokens. */
  signOut(): Promise<void>;
  /** Uses these tokens from now on (e.g. from Register's answer); undefined forgets them. */
  setTokens(tokens: Tokens | undefined): void;
  /** The tokens in use. */
  readonly tokens: Tokens | undefined;
  /** Closes the live connection. */
  close(): Promise<void>;
}

/** The API turned the request's credentials down before running any of it. */
function refusedAsWhole(error: unknown): error is SoloRequestError {
  return error instanceof SoloRequestError && error.status === 401 && error.data === undefined && error.has("UNAUTHENTICATED");
}

/** The client: one per API and identity (a user's tokens or a partner key). */
export function createSoloClient(options: SoloClientOptions): SoloClient {
  const fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  const store = new TokenStore(options.tokens, (tokens) => options.onTokens?.(tokens));

  // Explicit: a refresh or sign-in sends no access token at all (an expired one would be refused first).
  const credentials = (accessToken: string | undefined): Record<string, string> => {
    if (options.apiKey) return { "x-api-key": options.apiKey };
    return accessToken ? { authorization: `Bearer ${accessToken}` } : {};
  };

  async function send<Result>(query: string, variables: unknown, accessToken: string | undefined): Promise<Result> {
    const response = await fetchImpl(options.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json, application/json", ...options.headers, ...credentials(accessToken) },
      body: JSON.stringify({ query, variables: variables ?? {} }),
    });
    const text = await response.text();
    let body: { data?: Result | null; errors?: ApiError[] };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new SoloRequestError([{ message: `The API answered ${response.status} with no GraphQL response: ${text.slice(0, 200)}` }], response.status);
    }
    if (body.errors?.length || body.data == null) {
      throw new SoloRequestError(body.errors ?? [{ message: `The API answered ${response.status} without data` }], response.status, body.data ?? undefined);
    }
    return body.data;
  }

  const refresh = (refreshToken: string) =>
    send<{ refreshSession: Tokens }>(String(RefreshSessionDocument), { refreshToken }, undefined).then((data) => data.refreshSession);

  async function request<Result, Variables>(document: Document<Result, Variables>, variables?: Variables): Promise<Result> {
    const sentWith = store.current?.accessToken;
    try {
      return await send<Result>(String(document), variables, sentWith);
    } catch (error) {
      // An expired or refused access token: refresh once, then try once more with the new one. Only a
      // request refused as a whole (401, nothing ran) is retried: an UNAUTHENTICATED beside data, or
      // from a resolver (a wrong password), means the operation ran, and a mutation must not run twice.
      if (options.apiKey || !sentWith || !refusedAsWhole(error)) throw error;
      const fresh = await store.refreshAfter(sentWith, refresh);
      if (!fresh) throw error;
      return send<Result>(String(document), variables, fresh.accessToken);
    }
  }

  // The access token the live connection signed in with: a refusal of it needs a refresh only if nobody has refreshed since.
  let liveToken: string | undefined;
  const live = new LiveSubscriptions(
    () =>
      createLiveClient(options.wsUrl ?? options.url.replace(/^http/, "ws"), options.live ?? {}, (): Record<string, string> => {
        if (options.apiKey) return { apiKey: options.apiKey };
        liveToken = store.current?.accessToken;
        return liveToken ? { authorization: `Bearer ${liveToken}` } : {};
      }),
    async () => {
      // Refused for its credentials: a user's tokens may be refreshed; a key is what it is.
      if (options.apiKey || !liveToken) return false;
      return Boolean(await store.refreshAfter(liveToken, refresh));
    },
    options.live?.reconnectDelayMs,
  );

  return {
    request: (document, ...variables) => request(document, variables[0]),
    subscribe: (document, variables, sink) => live.subscribe(String(document), variables, sink),
    upload: (uploadOptions) => uploadFile({ request: (document, variables) => request(document, variables), fetch: fetchImpl }, uploadOptions),
    async signIn(email, password) {
      const { login } = await send<LoginMutation>(String(LoginDocument), { email, password }, undefined);
      store.set({ accessToken: login.accessToken, refreshToken: login.refreshToken, expiresAt: login.expiresAt });
      return login.user;
    },
    async signOut() {
      try {
        if (store.current) await request(LogoutDocument);
      } finally {
        store.set(undefined);
      }
    },
    setTokens: (tokens) => store.set(tokens),
    get tokens() {
      return store.current;
    },
    close: () => live.close(),
  };
}

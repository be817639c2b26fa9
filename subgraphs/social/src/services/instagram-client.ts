export interface InstagramClientOptions {
  /** INSTAGRAM_GRAPH_URL, with the API version: https://graph.instagram.com/v23.0 */
  baseUrl: string;
  /** Each call's whole time, connecting included. */
  timeoutMs: number;
}

export type ContainerStatus = "IN_PROGRESS" | "FINISHED" | "PUBLISHED" | "ERROR" | "EXPIRED";

/**
 * A call to Instagram that failed, sorted for whoever retries: `retryable` (the network, a timeout,
 * 5xx, 429, Instagram's transient and rate-limit codes, its daily publishing limit), `tokenInvalid`
 * (code 190: the account has to connect again; retrying cannot help), or neither (refused for good).
 * The message never holds the access token.
 */
export class InstagramError extends Error {
  /** HTTP status; absent when no answer came (network failure, timeout). */
  status?: number;
  /** Instagram's `error.code` and `error.error_subcode`. */
  code?: number;
  subcode?: number;
  retryable: boolean;
  tokenInvalid: boolean;

  constructor(message: string, details: { status?: number; code?: number; subcode?: number; retryable: boolean; tokenInvalid?: boolean }) {
    super(message);
    this.name = "InstagramError";
    this.status = details.status;
    this.code = details.code;
    this.subcode = details.subcode;
    this.retryable = details.retryable;
    this.tokenInvalid = details.tokenInvalid ?? false;
  }
}

/**
 * Graph API codes worth trying again: 1 and 2 (unknown / service unavailable), 4, 17, 32 and 613
 * (app, user and page call limits), 341 (application limit), and 9 (subcode 2207042: the account's
 * daily publishing limit, which frees up as the 24-hour window moves on).
 */
const RETRYABLE_CODES = new Set([1, 2, 4, 9, 17, 32, 341, 613]);
/** Code 190: the token is invalid, expired or revoked. */
const TOKEN_INVALID_CODE = 190;
/** 9007 / 2207027: "Media ID is not available", the container is still being processed: publish it a moment later. */
const NOT_READY = { code: 9007, subcode: 2207027 };

/** Instagram's answer that the account reached its daily publishing limit (code 9, subcode 2207042). */
export function isPublishingLimit(error: unknown): boolean {
  return error instanceof InstagramError && error.code === 9 && error.subcode === 2207042;
}

/** Instagram's answer that a container is still being processed: publishing it works a little later. */
export function isStillProcessing(error: unknown): boolean {
  return error instanceof InstagramError && error.code === NOT_READY.code && error.subcode === NOT_READY.subcode;
}

const CONTAINER_STATUSES: readonly ContainerStatus[] = ["IN_PROGRESS", "FINISHED", "PUBLISHED", "ERROR", "EXPIRED"];

interface GraphErrorBody {
  error?: { message?: string; type?: string; code?: number; error_subcode?: number; is_transient?: boolean; fbtrace_id?: string };
}

/**
 * The one module that talks to Instagram's content publishing API (Instagram API with Instagram
 * Login): a media container is created, becomes FINISHED, then is published with `media_publish`.
 * Parameters go form-encoded in POST bodies and in the query of GETs, `access_token` among them, as
 * the Graph API takes them; nothing here logs.
 */
export class InstagramClient {
  private readonly baseUrl: string;

  constructor(private readonly options: InstagramClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
  }

  /** GET /me?fields=user_id,username — who the token belongs to. */
  async me(accessToken: string): Promise<{ userId: string; username: string }> {
    const body = await this.call("GET", "/me", { fields: "user_id,username" }, accessToken);
    const userId = stringField(body, "user_id") ?? stringField(body, "id");
    const username = stringField(body, "username");
    if (!userId || username === undefined) throw unexpectedAnswer("GET /me");
    return { userId, username };
  }

  /**
   * POST /{igUserId}/media — an image post (`image_url`), or a reel (`media_type=REELS`, `video_url`)
   * for video/* types. Returns the container id.
   */
  async createContainer(input: { igUserId: string; accessToken: string; caption: string; mediaUrl: string; contentType: string }): Promise<string> {
    const media: Record<string, string> = input.contentType.toLowerCase().startsWith("video/")
      ? { media_type: "REELS", video_url: input.mediaUrl }
      : { image_url: input.mediaUrl };
    const path = `/${encodeURIComponent(input.igUserId)}/media`;
    const body = await this.call("POST", path, { ...media, caption: input.caption }, input.accessToken);
    return idOf(body, `POST ${path}`);
  }

  /** GET /{containerId}?fields=status_code */
  async containerStatus(containerId: string, accessToken: string): Promise<ContainerStatus> {
    const path = `/${encodeURIComponent(containerId)}`;
    const body = await this.call("GET", path, { fields: "status_code" }, accessToken);
    const status = stringField(body, "status_code");
    if (!CONTAINER_STATUSES.includes(status as ContainerStatus)) throw unexpectedAnswer(`GET ${path}`);
    return status as ContainerStatus;
  }

  /** POST /{igUserId}/media_publish with creation_id — returns the published media id. */
  async publish(input: { igUserId: string; containerId: string; accessToken: string }): Promise<string> {
    const path = `/${encodeURIComponent(input.igUserId)}/media_publish`;
    const body = await this.call("POST", path, { creation_id: input.containerId }, input.accessToken);
    return idOf(body, `POST ${path}`);
  }

  /** GET /{igUserId}/content_publishing_limit — posts published in the last 24 hours, and the quota. */
  async publishingLimit(igUserId: string, accessToken: string): Promise<{ used: number; quota: number }> {
    const path = `/${encodeURIComponent(igUserId)}/content_publishing_limit`;
    const body = await this.call("GET", path, { fields: "quota_usage,config" }, accessToken);
    const entry = (body as { data?: { quota_usage?: unknown; config?: { quota_total?: unknown } }[] }).data?.[0];
    const used = entry?.quota_usage;
    const quota = entry?.config?.quota_total;
    if (typeof used !== "number" || typeof quota !== "number") throw unexpectedAnswer(`GET ${path}`);
    return { used, quota };
  }

  private async call(method: "GET" | "POST", path: string, params: Record<string, string>, accessToken: string): Promise<unknown> {
    const what = `Instagram ${method} ${path}`;
    const url = new URL(this.baseUrl + path);
    const form = new URLSearchParams({ ...params, access_token: accessToken });
    let init: RequestInit = { method, signal: AbortSignal.timeout(this.options.timeoutMs) };
    // In a POST the token travels in the body, out of any URL a proxy or error might log.
    if (method === "GET") url.search = form.toString();
    else init = { ...init, body: form, headers: { "content-type": "application/x-www-form-urlencoded" } };

    let response: Response;
    let text: string;
    try {
      response = await fetch(url, init);
      text = await response.text();
    } catch (error) {
      const timedOut = error instanceof Error && error.name === "TimeoutError";
      const reason = timedOut ? `timed out after ${this.options.timeoutMs} ms` : `failed: ${describeNetworkError(error)}`;
      throw new InstagramError(redact(`${what} ${reason}`, accessToken), { retryable: true });
    }

    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const graphError = (body as GraphErrorBody | undefined)?.error;
    if (response.ok && body !== undefined && !graphError) return body;

    const status = response.status;
    const code = graphError?.code;
    const subcode = graphError?.error_subcode;
    const tokenInvalid = code === TOKEN_INVALID_CODE;
    const retryable =
      !tokenInvalid &&
      (status >= 500 ||
        status === 429 ||
        (code !== undefined && RETRYABLE_CODES.has(code)) ||
        (code === NOT_READY.code && subcode === NOT_READY.subcode) ||
        graphError?.is_transient === true ||
        // A 2xx that is not JSON: something between us and Instagram answered; try again later.
        (response.ok && body === undefined));
    const detail = graphError
      ? `${(graphError.message ?? "error").slice(0, MAX_MESSAGE_LENGTH)} (code ${code ?? "?"}${subcode !== undefined ? `, subcode ${subcode}` : ""}${graphError.fbtrace_id ? `, fbtrace_id ${graphError.fbtrace_id}` : ""})`
      : `an answer that is not Instagram's JSON`;
    throw new InstagramError(redact(`${what} answered ${status}: ${detail}`, accessToken), { status, code, subcode, retryable, tokenInvalid });
  }
}

function stringField(body: unknown, name: string): string | undefined {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  if (typeof value === "string") return value;
  // Graph ids are strings; a number here would still be one, written without quotes.
  if (typeof value === "number") return String(value);
  return undefined;
}

function idOf(body: unknown, what: string): string {
  const id = stringField(body, "id");
  if (!id) throw unexpectedAnswer(what);
  return id;
}

/** A 200 without the fields the API promises: not ours to retry blindly, nor a reason to stop for good. */
function unexpectedAnswer(what: string): InstagramError {
  return new InstagramError(`Instagram ${what} answered 200 without the expected fields`, { status: 200, retryable: false });
}

/** fetch's own message is "fetch failed"; the cause (ECONNREFUSED, ENOTFOUND…) says why. */
function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause : undefined;
  const code = (cause as { code?: unknown } | undefined)?.code;
  return cause ? `${error.message} (${typeof code === "string" ? code : cause.message})` : error.message;
}

/** How much of Instagram's own message an error keeps: enough to say why, little to search for the token. */
const MAX_MESSAGE_LENGTH = 1_000;
/** The shortest run of a token's characters hidden wherever it appears; shorter ones could be any word. */
const MIN_HIDDEN_RUN = 8;

/**
 * The text without the token: every run of at least 8 characters that a spelling of it holds (raw,
 * URL- and form-encoded) is replaced, so an answer that echoes the token cut short, or in pieces,
 * leaves none of it either.
 */
function redact(text: string, token: string): string {
  if (!token) return text;
  // A string with a lone surrogate has no URL encoding (encodeURIComponent throws; a form writes U+FFFD).
  const urlEncoded = token.isWellFormed() ? encodeURIComponent(token) : token;
  const spellings = [...new Set([token, urlEncoded, new URLSearchParams({ t: token }).toString().slice(2)])];
  const inToken = (run: string) => spellings.some((spelling) => spelling.includes(run));
  const minRun = Math.min(MIN_HIDDEN_RUN, token.length);
  let result = "";
  let index = 0;
  while (index < text.length) {
    if (index + minRun > text.length || !inToken(text.slice(index, index + minRun))) {
      result += text[index++];
      continue;
    }
    let end = index + minRun;
    while (end < text.length && inToken(text.slice(index, end + 1))) end++;
    result += "[access token]";
    index = end;
  }
  return result;
}

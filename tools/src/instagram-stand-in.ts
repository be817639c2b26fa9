import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Clock } from "@solo/kit";
import { systemClock } from "@solo/kit";

/** The calls faults can be injected into, by what they do. */
type InstagramEndpoint = "me" | "media" | "status" | "media_publish" | "content_publishing_limit";

interface InstagramStandInAccount {
  token: string;
  userId: string;
  username: string;
}

interface PublishedMedia {
  igUserId: string;
  containerId: string;
  mediaId: string;
  caption: string;
  at: Date;
}

export interface InstagramStandIn {
  /** Base URL with the API version, as INSTAGRAM_GRAPH_URL: http://127.0.0.1:<port>/v23.0 */
  url: string;
  close(): Promise<void>;
  /** A token it knows, and whose account it is. */
  addAccount(account: InstagramStandInAccount): void;
  /** The next n calls to the endpoint answer this Graph error (default: 500, code 2) and do nothing. */
  failNext(endpoint: InstagramEndpoint, n: number, error?: { status: number; code: number; subcode?: number; message?: string }): void;
  /** The next n calls to the endpoint do their work at once and answer only after ms. */
  delayNext(endpoint: InstagramEndpoint, n: number, ms: number): void;
  /** Called after a publish is recorded and before its answer is sent. */
  onPublished?: (event: { igUserId: string; containerId: string; mediaId: string }) => Promise<void> | void;
  /** Every publish recorded, oldest first. */
  published(): PublishedMedia[];
  /** How many times the container was published (more than 1 would be the platform's bug, never ours to cause). */
  publishCount(containerId: string): number;
}

interface InstagramStandInOptions {
  port?: number;
  host?: string;
  /** Also accept any token `dev-<handle>` as the account <handle> (for `npm start`). */
  open?: boolean;
  /** Publishes one account may make in a moving 24 hours (Instagram's content publishing limit). */
  dailyLimit?: number;
  /** How long a video container stays IN_PROGRESS before it is FINISHED (images are FINISHED at once). */
  videoProcessingMs?: number;
  /** Its time, for the 24-hour windows (publishing limit, container expiry). */
  clock?: Clock;
}

interface Container {
  id: string;
  igUserId: string;
  caption: string;
  video: boolean;
  createdAt: number;
  publishedAs?: string;
}

interface GraphError {
  status: number;
  code: number;
  subcode?: number;
  message: string;
  type?: string;
  transient?: boolean;
}

const API_VERSION = "v23.0";
const DAY_MS = 24 * 60 * 60 * 1000;

/** Errors as Instagram words them (its error-code reference and observed answers). */
const ERRORS = {
  badToken: { status: 400, code: 190, message: "Invalid OAuth access token - Cannot parse access token" } satisfies GraphError,
  noObject: (id: string, verb: "get" | "post"): GraphError => ({
    status: 400,
    code: 100,
    subcode: 33,
    type: "GraphMethodException",
    message: `Unsupported ${verb} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation`,
  }),
  missingParameter: (name: string): GraphError => ({ status: 400, code: 100, message: `The parameter ${name} is required` }),
  mediaNotFound: (id: string): GraphError => ({ status: 400, code: 24, subcode: 2207006, message: `The media with id ${id} cannot be found` }),
  notReady: { status: 400, code: 9007, subcode: 2207027, message: "Media ID is not available", transient: true } satisfies GraphError,
  expired: { status: 400, code: -2, subcode: 2207020, message: "The media you are trying to access has expired. Please try to upload again." } satisfies GraphError,
  // Instagram's error reference lists no code for publishing a container twice; a refused parameter it is.
  alreadyPublished: (id: string): GraphError => ({ status: 400, code: 100, message: `Invalid parameter: the media container ${id} has already been published` }),
  dailyLimit: {
    status: 400,
    code: 9,
    subcode: 2207042,
    message: "You reached maximum number of posts that is allowed to be published by Content Publishing API.",
  } satisfies GraphError,
  unknownPath: (path: string): GraphError => ({ status: 400, code: 2500, message: `Unknown path components: ${path}` }),
  serverError: { status: 500, code: 2, message: "An unexpected error has occurred. Please retry your request later.", transient: true } satisfies GraphError,
};

/**
 * A local stand-in for Instagram's Graph API (Instagram Login flavour) in memory: `/me`, media
 * containers, `media_publish`, container status and `content_publishing_limit`, with Instagram's
 * error shapes, its daily publishing limit, and faults and slow answers on demand. Tests run the
 * publishing worker against it; `npm start` runs one (open to `dev-<handle>` tokens) when
 * INSTAGRAM_GRAPH_URL is unset. It never calls out anywhere.
 */
export async function startInstagramStandIn(options: InstagramStandInOptions = {}): Promise<InstagramStandIn> {
  const host = options.host ?? "127.0.0.1";
  const dailyLimit = options.dailyLimit ?? 25;
  const videoProcessingMs = options.videoProcessingMs ?? 0;
  const clock = options.clock ?? systemClock;
  const accounts = new Map<string, InstagramStandInAccount>();
  const containers = new Map<string, Container>();
  const publishes: PublishedMedia[] = [];
  const failures = new Map<InstagramEndpoint, GraphError[]>();
  const delays = new Map<InstagramEndpoint, number[]>();
  let nextId = 1;
  // Graph ids are long decimal strings; a prefix per kind keeps them apart in logs.
  const newId = (prefix: string) => `${prefix}${String(nextId++).padStart(10, "0")}`;

  const accountOf = (token: string | undefined): InstagramStandInAccount | undefined => {
    if (!token) return undefined;
    const known = accounts.get(token);
    if (known) return known;
    const handle = options.open ? /^dev-([A-Za-z0-9._]{1,30})$/.exec(token)?.[1] : undefined;
    return handle ? { token, userId: userIdForHandle(handle), username: handle } : undefined;
  };
  const publishedInLastDay = (igUserId: string) => {
    const since = clock.now().getTime() - DAY_MS;
    return publishes.filter((entry) => entry.igUserId === igUserId && entry.at.getTime() > since).length;
  };
  const statusOf = (container: Container): "IN_PROGRESS" | "FINISHED" | "PUBLISHED" | "EXPIRED" => {
    if (container.publishedAs) return "PUBLISHED";
    const age = clock.now().getTime() - container.createdAt;
    if (age >= DAY_MS) return "EXPIRED";
    return container.video && age < videoProcessingMs ? "IN_PROGRESS" : "FINISHED";
  };

  type Answer = { status: number; body: unknown } | GraphError;

  async function handle(endpoint: InstagramEndpoint, segments: string[], params: URLSearchParams): Promise<Answer> {
    const injected = failures.get(endpoint)?.shift();
    if (injected) return injected;
    const account = accountOf(params.get("access_token") ?? undefined);
    if (!account) return ERRORS.badToken;

    if (endpoint === "me") return { status: 200, body: { id: account.userId, user_id: account.userId, username: account.username } };

    if (endpoint === "status") {
      const container = containers.get(segments[0]);
      if (!container || container.igUserId !== account.userId) return ERRORS.noObject(segments[0], "get");
      return { status: 200, body: { status_code: statusOf(container), id: container.id } };
    }

    // The rest act on /{ig-user-id}/…: only the token's own account.
    if (segments[0] !== account.userId) return ERRORS.noObject(segments[0], endpoint === "content_publishing_limit" ? "get" : "post");

    if (endpoint === "content_publishing_limit") {
      return { status: 200, body: { data: [{ quota_usage: publishedInLastDay(account.userId), config: { quota_total: dailyLimit, quota_duration: 86400 } }] } };
    }

    if (endpoint === "media") {
      const video = params.get("media_type") === "REELS" || params.get("media_type") === "VIDEO";
      const mediaUrl = params.get(video ? "video_url" : "image_url");
      if (!mediaUrl) return ERRORS.missingParameter(video ? "video_url" : "image_url");
      const container: Container = { id: newId("179"), igUserId: account.userId, caption: params.get("caption") ?? "", video, createdAt: clock.now().getTime() };
      containers.set(container.id, container);
      return { status: 200, body: { id: container.id } };
    }

    // media_publish
    const creationId = params.get("creation_id");
    if (!creationId) return ERRORS.missingParameter("creation_id");
    const container = containers.get(creationId);
    if (!container || container.igUserId !== account.userId) return ERRORS.mediaNotFound(creationId);
    const status = statusOf(container);
    if (status === "PUBLISHED") return ERRORS.alreadyPublished(creationId);
    if (status === "EXPIRED") return ERRORS.expired;
    if (status === "IN_PROGRESS") return ERRORS.notReady;
    if (publishedInLastDay(account.userId) >= dailyLimit) return ERRORS.dailyLimit;
    const mediaId = newId("180");
    container.publishedAs = mediaId;
    publishes.push({ igUserId: account.userId, containerId: container.id, mediaId, caption: container.caption, at: clock.now() });
    await standIn.onPublished?.({ igUserId: account.userId, containerId: container.id, mediaId });
    return { status: 200, body: { id: mediaId } };
  }

  const server = http.createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? "/", "http://stand-in");
      const body = await readBody(request);
      // Graph takes parameters from the query and from a form body alike.
      const params = new URLSearchParams(url.search);
      for (const [name, value] of new URLSearchParams(body)) params.set(name, value);
      const route = routeOf(request.method ?? "GET", url.pathname);
      let answer: Answer;
      if (!route) answer = ERRORS.unknownPath(url.pathname);
      else {
        try {
          answer = await handle(route.endpoint, route.segments, params);
        } catch (error) {
          // onPublished throwing is a test's failure, answered as the platform's own 500.
          console.error("instagram stand-in:", error);
          answer = ERRORS.serverError;
        }
        const delay = delays.get(route.endpoint)?.shift();
        if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
      }
      const [status, payload] = "body" in answer ? [answer.status, answer.body] : [answer.status, graphErrorBody(answer)];
      if (response.destroyed) return;
      response.writeHead(status, { "content-type": "application/json; charset=UTF-8" });
      response.end(JSON.stringify(payload));
    })().catch(() => response.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const standIn: InstagramStandIn = {
    url: `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}/${API_VERSION}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Clients' keep-alive connections (and answers held by delayNext) must not hold the close.
        server.closeAllConnections();
      }),
    addAccount: (account) => void accounts.set(account.token, { ...account }),
    failNext: (endpoint, n, error) => {
      const queue = failures.get(endpoint) ?? [];
      const failure: GraphError = error
        ? { status: error.status, code: error.code, subcode: error.subcode, message: error.message ?? `Injected failure (code ${error.code})` }
        : ERRORS.serverError;
      for (let i = 0; i < n; i++) queue.push(failure);
      failures.set(endpoint, queue);
    },
    delayNext: (endpoint, n, ms) => {
      const queue = delays.get(endpoint) ?? [];
      for (let i = 0; i < n; i++) queue.push(ms);
      delays.set(endpoint, queue);
    },
    published: () => publishes.map((entry) => ({ ...entry, at: new Date(entry.at) })),
    publishCount: (containerId) => publishes.filter((entry) => entry.containerId === containerId).length,
  };
  return standIn;
}

/** The Graph API paths it serves, under /<version>/. */
function routeOf(method: string, pathname: string): { endpoint: InstagramEndpoint; segments: string[] } | undefined {
  const segments = pathname.split("/").filter(Boolean).map(decodeURIComponent);
  if (!/^v\d+\.\d+$/.test(segments.shift() ?? "")) return undefined;
  if (method === "GET" && segments.length === 1) return { endpoint: segments[0] === "me" ? "me" : "status", segments };
  if (segments.length !== 2) return undefined;
  if (method === "POST" && segments[1] === "media") return { endpoint: "media", segments };
  if (method === "POST" && segments[1] === "media_publish") return { endpoint: "media_publish", segments };
  if (method === "GET" && segments[1] === "content_publishing_limit") return { endpoint: "content_publishing_limit", segments };
  return undefined;
}

/** A stable numeric Instagram user id for a `dev-<handle>` account. */
function userIdForHandle(handle: string): string {
  const digits = BigInt(`0x${createHash("sha256").update(handle.toLowerCase()).digest("hex").slice(0, 12)}`).toString();
  return `17841${digits.padStart(15, "0").slice(-12)}`;
}

function graphErrorBody(error: GraphError) {
  return {
    error: {
      message: error.message,
      type: error.type ?? "OAuthException",
      code: error.code,
      ...(error.subcode !== undefined && { error_subcode: error.subcode }),
      is_transient: error.transient ?? false,
      fbtrace_id: `stand-in-${Math.random().toString(36).slice(2, 12)}`,
    },
  };
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => {
      text += chunk;
      if (text.length > 1_000_000) request.destroy(new Error("body too large"));
    });
    request.on("end", () => resolve(text));
    request.on("error", reject);
  });
}

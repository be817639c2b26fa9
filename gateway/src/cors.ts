import type http from "node:http";
import { originMatcher } from "@solo/kit";
import type { RequestHandler } from "express";

// What a browser client sends: credentials, JSON, a request id, and Apollo's CSRF headers.
const ALLOWED_HEADERS = ["authorization", "x-api-key", "content-type", "x-request-id", "apollo-require-preflight", "x-apollo-operation-name"];

/**
 * CORS for /graphql: pages from `origins` may call it (preflight included) and read the answer;
 * other pages' preflights are refused, so their requests are never sent. Requests without an
 * Origin (servers, curl) and same-origin ones (the dashboard) are not CORS and pass untouched.
 */
export function corsForOrigins(origins: string[]): RequestHandler {
  const allowed = originMatcher(origins);
  return (req, res, next) => {
    const origin = req.header("origin");
    if (!origin) return next();
    res.vary("Origin");
    const ok = allowed(origin);
    if (ok) {
      res.setHeader("Access-Control-Allow-Origin", origin);
      res.setHeader("Access-Control-Expose-Headers", "Retry-After, X-Request-Id");
    }
    if (req.method !== "OPTIONS" || !req.header("access-control-request-method")) return next();
    if (!ok) {
      res.status(403).end();
      return;
    }
    res.setHeader("Access-Control-Allow-Methods", "GET, POST");
    res.setHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS.join(", "));
    res.setHeader("Access-Control-Max-Age", "600");
    res.status(204).end();
  };
}

/**
 * Browsers apply no CORS to WebSockets, so the upgrade itself checks the Origin: allowed origins,
 * the gateway's own pages (an Origin on the host the request was sent to), and clients that send
 * none (servers). Anything else is refused before a socket exists.
 */
export function upgradeOriginCheck(origins: string[]): (request: http.IncomingMessage) => boolean {
  const allowed = originMatcher(origins);
  return (request) => {
    const origin = request.headers.origin;
    if (!origin) return true;
    if (allowed(origin)) return true;
    try {
      return new URL(origin).host === request.headers.host;
    } catch {
      return false;
    }
  };
}

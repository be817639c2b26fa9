import fs from "node:fs";
import path from "node:path";
import type { Logger } from "@solo/kit";
import type { Express, Request, Response } from "express";
import express from "express";

const PAGE = path.join(__dirname, "..", "..", "static", "graphiql.html");
/** Written by gateway/graphiql/build.mjs (npm's prebuild, prestart and pretest run it). */
const BUNDLE = path.join(__dirname, "..", "graphiql");

/**
 * Everything the page loads comes from this origin: its scripts, styles, fonts and Monaco's
 * workers, and it talks to /graphql over HTTP and WebSocket only. Monaco sets inline styles.
 */
function policy(req: Request): string {
  const host = req.get("host") ?? "";
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "worker-src 'self'",
    `connect-src 'self' ws://${host} wss://${host}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

/** A browser asking for a page (GraphiQL) rather than a GraphQL answer. */
function wantsPage(req: Request): boolean {
  return req.accepts(["application/json", "application/graphql-response+json", "text/html"]) === "text/html";
}

/**
 * GraphiQL at `/` and at `/graphql` for a browser's page request, with its bundle at /graphiql/*.
 * Mounted only where it is on (GRAPHIQL; by default everywhere but production).
 */
export function mountGraphiQL(app: Express, logger: Logger): void {
  const built = fs.existsSync(path.join(BUNDLE, "graphiql.js"));
  if (!built) logger.warn({ bundle: BUNDLE }, "GraphiQL is not built (npm run build builds it): / answers 503");
  const page = (req: Request, res: Response) => {
    if (!built) {
      res.status(503).type("text/plain").send("GraphiQL is not built: run `npm run build`, then restart the gateway.\n");
      return;
    }
    res.set({
      "content-security-policy": policy(req),
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "cache-control": "no-cache",
    });
    res.sendFile(PAGE);
  };
  app.use("/graphiql", express.static(BUNDLE, { fallthrough: false, index: false, setHeaders: (res) => res.setHeader("x-content-type-options", "nosniff") }));
  app.get("/", page);
  app.get("/graphql", (req, res, next) => (wantsPage(req) ? page(req, res) : next()));
}

import path from "node:path";
import type { Express } from "express";

const STATIC = path.join(__dirname, "..", "..", "static");
const GRAPHQL_WS_BROWSER = path.join(path.dirname(require.resolve("graphql-ws/package.json")), "umd", "graphql-ws.min.js");

/**
 * /dashboard: a page of live study counts and a test's leaderboard. Every script comes from the
 * gateway itself (its own file and graphql-ws's browser build): nothing from a CDN.
 */
export function mountDashboard(app: Express): void {
  app.get("/dashboard", (_req, res) => res.sendFile(path.join(STATIC, "dashboard.html")));
  app.get("/dashboard/dashboard.js", (_req, res) => res.type("text/javascript").sendFile(path.join(STATIC, "dashboard.js")));
  app.get("/dashboard/graphql-ws.min.js", (_req, res) => res.type("text/javascript").sendFile(GRAPHQL_WS_BROWSER));
}

import type { NextFunction, Request, Response } from "express";
import type { Env } from "./config";
import { envString } from "./config";
import type { Identity } from "./identity";
import { IDENTITY_HEADER, signIdentity, signServiceToken, verifyServiceToken } from "./identity";

/** SUBGRAPH_URL_<NAME>: the name upper-cased, a hyphen as an underscore (SUBGRAPH_URL_STUDY_GROUPS). */
export function subgraphUrlVariable(name: string): string {
  return `SUBGRAPH_URL_${name.toUpperCase().replace(/-/g, "_")}`;
}

/**
 * Where subgraph `name` answers: SUBGRAPH_URL_<NAME> (set by `npm start`, docker-compose and the
 * tests). Services call each other's /internal routes through it.
 */
export function subgraphUrl(name: string, env: Env = process.env): string | undefined {
  return envString(subgraphUrlVariable(name), "", env) || undefined;
}

/** /graphql → /internal/… on the same service. */
export function internalRoute(graphqlUrl: string, route: string): string {
  const url = new URL(graphqlUrl);
  url.pathname = url.pathname.replace(/\/graphql\/?$/, "") + route;
  return url.toString();
}

export interface InternalResponse<T> {
  status: number;
  body: T | null;
}

/** POSTs JSON to another platform service's /internal route, authenticated as `caller`. */
export async function postInternal<T>(
  graphqlUrl: string,
  route: string,
  body: unknown,
  caller: string,
  options: { timeoutMs?: number; actingFor?: Identity } = {},
): Promise<InternalResponse<T>> {
  const headers: Record<string, string> = { "content-type": "application/json", authorization: `Bearer ${await signServiceToken(caller)}` };
  // Answers that depend on who is asking get the caller's identity, signed as the gateway signs it.
  if (options.actingFor) headers[IDENTITY_HEADER] = await signIdentity(options.actingFor);
  const timeoutMs = options.timeoutMs ?? 5_000;
  const response = await fetch(internalRoute(graphqlUrl, route), {
    method: "POST",
    headers,
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as T) : null };
}

/** Express guard for /internal routes: only platform services holding the internal secret. */
export async function internalOnly(req: Request, res: Response, next: NextFunction): Promise<void> {
  const caller = await verifyServiceToken(req.header("authorization")?.replace(/^Bearer /i, ""));
  if (caller) next();
  else res.status(401).json({ error: "unauthorised" });
}

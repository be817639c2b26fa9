import type { NextFunction, Request, Response } from "express";
import type { Env } from "./config";
import { envString } from "./config";
import type { Identity } from "./identity";
import { IDENTITY_HEADER, signIdentity, signServiceToken, verifyServiceToken } from "./identity";
import type { ErrorStatusOf, InternalRouteDeclaration, ParsedResponseOf, RequestOf } from "./internal-api";
import { describeIssues, errorBody } from "./internal-api";

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

/** What a declared route answered: its 200 body as the schema parsed it, or one of its declared refusals. */
export type InternalAnswer<Route extends InternalRouteDeclaration> =
  { status: 200; body: ParsedResponseOf<Route> } | { [Status in ErrorStatusOf<Route>]: { status: Status; error: string } }[ErrorStatusOf<Route>];

/**
 * An internal call that did not get a declared answer: unreachable, timed out, an undeclared
 * status, or a body that does not match the declaration. Callers treat it as the service being
 * unavailable (the gateway's credential checks fail closed).
 */
export class InternalCallFailed extends Error {
  constructor(
    readonly path: string,
    reason: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(`internal call to ${path} failed: ${reason}`, options);
  }
}

/**
 * Calls a declared route of another platform service (`graphqlUrl` is where it serves /graphql),
 * authenticated as `caller`, acting for `actingFor` when the answer depends on who asks. The body
 * is checked against the declaration before it is sent, the answer after it arrives; anything but
 * a 200 or a declared refusal throws InternalCallFailed.
 */
export async function callInternal<Route extends InternalRouteDeclaration>(
  route: Route,
  graphqlUrl: string,
  body: RequestOf<Route>,
  options: { caller: string; actingFor?: Identity; timeoutMs?: number },
): Promise<InternalAnswer<Route>> {
  const request = route.request.safeParse(body);
  if (!request.success) throw new InternalCallFailed(route.path, `the request does not match its declaration: ${describeIssues(request.error)}`);
  const headers: Record<string, string> = { "content-type": "application/json", authorization: `Bearer ${await signServiceToken(options.caller)}` };
  // Answers that depend on who is asking get the caller's identity, signed as the gateway signs it.
  if (options.actingFor) headers[IDENTITY_HEADER] = await signIdentity(options.actingFor);
  let status: number;
  let text: string;
  try {
    const response = await fetch(internalRoute(graphqlUrl, route.path), {
      method: "POST",
      headers,
      body: JSON.stringify(request.data),
      signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    throw new InternalCallFailed(route.path, (error as Error).message, undefined, { cause: error });
  }
  const declared = status === 200 || Object.hasOwn(route.errors, status);
  if (!declared) throw new InternalCallFailed(route.path, `HTTP ${status}`, status);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InternalCallFailed(route.path, `HTTP ${status} with a body that is not JSON`, status);
  }
  const parsed = (status === 200 ? route.response : errorBody).safeParse(json);
  if (!parsed.success)
    throw new InternalCallFailed(route.path, `HTTP ${status} with a body that does not match its declaration: ${describeIssues(parsed.error)}`, status);
  return (status === 200 ? { status, body: parsed.data } : { status, error: (parsed.data as { error: string }).error }) as InternalAnswer<Route>;
}

/** Express guard for /internal routes: only platform services holding the internal secret. */
export async function internalOnly(req: Request, res: Response, next: NextFunction): Promise<void> {
  const caller = await verifyServiceToken(req.header("authorization")?.replace(/^Bearer /i, ""));
  if (caller) next();
  else res.status(401).json({ error: "unauthorised" });
}

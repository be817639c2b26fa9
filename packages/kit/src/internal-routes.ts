import type { Express, NextFunction, Request, Response } from "express";
import express from "express";
import type { EntityManager } from "@mikro-orm/postgresql";
import type { InternalRequest, InternalRoute } from "./descriptor";
import { IDENTITY_HEADER, verifyIdentity } from "./identity";
import { internalOnly } from "./internal-http";
import type { ErrorStatusOf, InternalRouteDeclaration, ParsedRequestOf, ResponseBodyOf } from "./internal-api";
import { describeIssues } from "./internal-api";

const REFUSAL = Symbol("internal route refusal");

/** A declared non-200 answer, made by `refuse(status)`. */
export interface Refusal<Status extends number> {
  readonly [REFUSAL]: Status;
}

/** Answers with one of the route's declared errors (its status, `{ error: declared message }`). */
export function refuse<Status extends number>(status: Status): Refusal<Status> {
  return { [REFUSAL]: status };
}

function isRefusal(value: unknown): value is Refusal<number> {
  return typeof value === "object" && value !== null && REFUSAL in value;
}

/** A handler's answer did not match the route's declaration: a bug of the callee, never sent. */
export class InternalResponseInvalid extends Error {
  constructor(path: string, detail: string) {
    super(`${path} answered a body that does not match its declared response: ${detail}`);
  }
}

/**
 * The handler of a declared route: tsc checks its body (the request as the schema parsed it) and
 * its answer (the response body, or `refuse(status)` for a declared status) against the declaration.
 */
export type InternalHandler<Route extends InternalRouteDeclaration, Services> = (
  request: InternalRequest<ParsedRequestOf<Route>>,
  services: Services,
) => Promise<ResponseBodyOf<Route> | Refusal<ErrorStatusOf<Route>>>;

/**
 * A declared route with the code that answers it: what a descriptor lists in `internalRoutes`.
 * The request is checked against its schema before the handler runs (400 with what is wrong,
 * nothing done), and the answer after: one that does not match is not sent.
 */
export function implement<Route extends InternalRouteDeclaration, Services>(route: Route, handler: InternalHandler<Route, Services>): InternalRoute<Services> {
  return {
    declaration: route,
    async handle(incoming, services) {
      const request = route.request.safeParse(incoming.body);
      if (!request.success) return { status: 400, body: { error: `invalid request to ${route.path}: ${describeIssues(request.error)}` } };
      const answer = await handler(
        {
          body: request.data as ParsedRequestOf<Route>,
          // Read through: the EntityManager is made only for handlers that use one.
          get em() {
            return incoming.em;
          },
          actingFor: incoming.actingFor,
        },
        services,
      );
      if (isRefusal(answer)) {
        const status = answer[REFUSAL];
        const message = (route.errors as Record<number, string>)[status];
        if (message === undefined) throw new InternalResponseInvalid(route.path, `status ${status} is not among its declared errors`);
        return { status, body: { error: message } };
      }
      const response = route.response.safeParse(answer);
      if (!response.success) throw new InternalResponseInvalid(route.path, describeIssues(response.error));
      return { status: 200, body: response.data };
    },
  };
}

/**
 * Mounts a descriptor's internal routes: POST, JSON in and out, for callers holding the internal
 * secret only; each handler gets the checked body, an EntityManager of its own (`newEntityManager`,
 * called only when the handler reads `em`) and the identity the caller acts for.
 */
export function mountInternalRoutes<Services>(app: Express, routes: readonly InternalRoute<Services>[], newEntityManager: () => EntityManager, services: Services): void {
  for (const route of routes) {
    const { path, maxBodyBytes } = route.declaration;
    app.post(
      path,
      internalOnly,
      express.json({ limit: maxBodyBytes }),
      async (req: Request, res: Response, next: NextFunction) => {
        try {
          let em: EntityManager | undefined;
          const reply = await route.handle(
            {
              body: req.body,
              get em() {
                return (em ??= newEntityManager());
              },
              actingFor: () => verifyIdentity(req.header(IDENTITY_HEADER)),
            },
            services,
          );
          res.status(reply.status).json(reply.body);
        } catch (error) {
          next(error);
        }
      },
      internalErrorHandler(path, maxBodyBytes),
    );
  }
}

/** Every answer of an internal route is JSON, refusals of malformed bodies and failures included. */
function internalErrorHandler(path: string, maxBodyBytes: number) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const type = (error as { type?: unknown } | null)?.type;
    if (type === "entity.too.large") {
      res.status(413).json({ error: `request body is larger than ${maxBodyBytes} bytes` });
    } else if (type === "entity.parse.failed") {
      res.status(400).json({ error: `invalid request to ${path}: the body is not a JSON object` });
    } else if (type === "encoding.unsupported" || type === "charset.unsupported") {
      res.status(400).json({ error: `invalid request to ${path}: unsupported encoding` });
    } else {
      (req.log ?? console).error(
        { err: error, path },
        error instanceof InternalResponseInvalid ? "internal route bug: response does not match its declaration" : "internal route failed",
      );
      res.status(500).json({ error: "internal error" });
    }
  };
}

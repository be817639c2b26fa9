import type { Express, NextFunction, Request, Response } from "express";
import express from "express";
import type { InternalRoute } from "./descriptor";
import { IDENTITY_HEADER, verifyIdentity } from "./identity";
import { internalOnly } from "./internal-http";
import type { Orm } from "./orm";

/**
 * Mounts a descriptor's internal routes: POST, JSON in and out, for callers holding the internal
 * secret only; each handler gets the parsed body, an EntityManager of its own and the identity
 * the caller acts for.
 */
export function mountInternalRoutes<Services>(app: Express, routes: readonly InternalRoute<Services>[], orm: Orm, services: Services): void {
  for (const route of routes) {
    app.post(route.path, internalOnly, express.json({ limit: route.maxBodyBytes }), async (req: Request, res: Response, next: NextFunction) => {
      try {
        const reply = await route.handle(
          { body: req.body, em: orm.em.fork(), actingFor: () => verifyIdentity(req.header(IDENTITY_HEADER)) },
          services,
        );
        res.status(reply.status ?? 200).json(reply.body);
      } catch (error) {
        next(error);
      }
    });
  }
}

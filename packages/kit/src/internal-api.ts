import { z } from "zod";
import { ROLES } from "./roles";

/**
 * Declarations of the routes platform services call on each other (not part of the graph). A
 * declaration is data only (its path, body limit and schemas), owned by the service that answers
 * it and imported by every caller, so both sides check the same shapes at run time and tsc checks
 * their code against them. This file imports zod only: callers load no server code with it.
 */

/** The answers other than 200 a route gives on purpose, by status, each with the message its body carries. */
export type DeclaredErrors = Readonly<Record<number, string>>;

export interface InternalRouteDeclaration<Request extends z.ZodType = z.ZodType, Response extends z.ZodType = z.ZodType, Errors extends DeclaredErrors = DeclaredErrors> {
  readonly path: `/internal/${string}`;
  /** Largest JSON body the route takes; larger ones get 413. */
  readonly maxBodyBytes: number;
  /** The body callers send: anything else is refused with 400 before the handler runs. */
  readonly request: Request;
  /** The body of a 200: a handler's answer that does not match is never sent (a bug: 500). */
  readonly response: Response;
  /** Declared refusals, e.g. `{ 404: "session ended" }`: sent as `{ error: message }` with that status. */
  readonly errors: Errors;
}

/**
 * Declares an internal route. Object schemas drop fields they do not name (zod's default), on
 * both sides: a caller may send a field before the callee reads it, a callee may answer one before
 * its callers read it, so the services need not be deployed in lockstep.
 */
export function defineInternalRoute<Request extends z.ZodType, Response extends z.ZodType, const Errors extends DeclaredErrors = Record<never, string>>(declaration: {
  path: `/internal/${string}`;
  maxBodyBytes: number;
  request: Request;
  response: Response;
  errors?: Errors;
}): InternalRouteDeclaration<Request, Response, Errors> {
  return { ...declaration, errors: declaration.errors ?? ({} as Errors) };
}

/** What a caller passes (before the schema's defaults and transforms). */
export type RequestOf<Route extends InternalRouteDeclaration> = z.input<Route["request"]>;
/** What a handler receives: the request as its schema parsed it. */
export type ParsedRequestOf<Route extends InternalRouteDeclaration> = z.output<Route["request"]>;
/** What a handler answers with on success. */
export type ResponseBodyOf<Route extends InternalRouteDeclaration> = z.input<Route["response"]>;
/** What a caller gets on success: the response as its schema parsed it. */
export type ParsedResponseOf<Route extends InternalRouteDeclaration> = z.output<Route["response"]>;
/** The statuses a route refuses with on purpose. */
export type ErrorStatusOf<Route extends InternalRouteDeclaration> = keyof Route["errors"] & number;

/** The body of every answer but a 200. */
export const errorBody = z.object({ error: z.string() });

/** The same UUIDs the kit's `isUuid` accepts (any version), as a schema. */
export const uuidSchema = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "must be a UUID");

/** A platform role. */
export const roleSchema = z.enum(ROLES);

/**
 * A schema failure in a few lines: where and what, for at most five issues, never the values
 * themselves (they may be secrets, or megabytes long).
 */
export function describeIssues(error: z.ZodError): string {
  const shown = error.issues.slice(0, 5).map((issue) => {
    const where = issue.path.length
      ? issue.path
          .map((part) => (typeof part === "number" ? `[${part}]` : `.${String(part).slice(0, 64)}`))
          .join("")
          .replace(/^\./, "")
      : "(body)";
    return `${where}: ${issue.message.slice(0, 200)}`;
  });
  const more = error.issues.length - shown.length;
  return shown.join("; ") + (more > 0 ? `; and ${more} more` : "");
}

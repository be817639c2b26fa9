import { DriverException } from "@mikro-orm/core";
import type { ConstDirectiveNode, GraphQLField, GraphQLResolveInfo } from "graphql";
import { Kind } from "graphql";
import type { AuthCheckerInterface, ResolverData } from "type-graphql";
import { Authorized, Directive } from "type-graphql";
import { badInput, forbidden, unauthenticated } from "./errors";
import { checkArguments, isInvalidValueError } from "./input-guards";
import type { Identity, RoleName } from "./identity";
import { ANONYMOUS, isAdmin } from "./identity";

/**
 * Who may call a field, declared on it with `@Access(rule)` (or on an object type, for all its
 * fields that declare nothing themselves), never decided in a resolver's body.
 *
 * - `public`: anonymous callers too (roles then apply to signed-in callers only).
 * - `publicData`: public data (a published course, the catalog): anonymous callers read it, and so
 *   does every API key whatever its scopes. A scope only adds to what a key may do: a key without
 *   `scope` reads as an anonymous caller would (what is public), one with it as its owner (their
 *   drafts too): the resolver applies its filter to `publicReader(identity, scope)`, never to the
 *   identity itself, so nothing but public data reaches a key without the scope.
 * - `roles`: the caller's role must be one of them (any signed-in caller when omitted).
 * - `scope`: what an API key needs to call it; without one, API keys may not call it at all.
 * - `policy`: a named check of the caller against the object, the arguments or what they name
 *   (owner-or-admin…), run after the checks above and after the arguments passed the kit's input rules.
 * - `filter`: the named visibility filter the resolver applies to the rows it returns (drafts for
 *   their author only…); the kit does not run it, the declaration says it is there.
 * - `withParent`: no check of the caller: whoever reached the object reads the field (plain data),
 *   subject to its policy if it names one (a value hidden from some of those who reach it).
 *
 * On a field of an object type (not Query or Mutation), `{ public: true, scope }` makes a private
 * field: people always reach it (its policy decides what they see), an API key only with the
 * scope, wherever the type is reached from.
 */
export interface AccessRule {
  roles?: RoleName[];
  /** One scope, or several of which any will do (a policy then checks the one that applies). */
  scope?: string | readonly string[];
  public?: boolean;
  /** Public data: any API key reads what anonymous callers read; `scope` adds what its owner may see. */
  publicData?: true;
  policy?: AccessPolicy<{ identity: Identity }, unknown, unknown, unknown>;
  filter?: VisibilityFilter<never>;
  withParent?: true;
  /** The FORBIDDEN message API keys get when the rule names no scope (a generic one otherwise). */
  keyRefusal?: string;
}

/** What a policy is asked about: the caller, the object the field is on, its arguments and the request. */
export interface AccessRequest<TContext extends { identity: Identity } = { identity: Identity }, TRoot = unknown, TArgs = Record<string, unknown>, TServices = unknown> {
  identity: Identity;
  root: TRoot;
  args: TArgs;
  context: TContext;
  info: GraphQLResolveInfo;
  /**
   * The subgraph's process services, the ones its resolvers are constructed with: for a policy whose
   * subject lives in another subgraph (asked through its internal route, as the caller).
   */
  services: TServices;
}

/**
 * A small, named access decision. `allows` answers true or false; on false the caller gets
 * `FORBIDDEN` (`deny: "error"`, the default) or null for the field, without an error (`deny:
 * "null"`, for nullable fields that hide a value from others). A policy may also throw a coded
 * error of its own (`NOT_FOUND` for what the caller may not know exists). A policy that needs the
 * subject loads it through the request's loaders, so the resolver reading it again costs nothing.
 */
export interface AccessPolicy<TContext extends { identity: Identity } = { identity: Identity }, TRoot = unknown, TArgs = unknown, TServices = unknown> {
  readonly name: string;
  readonly deny: "error" | "null";
  allows(request: AccessRequest<TContext, TRoot, TArgs, TServices>): boolean | Promise<boolean>;
}

export function definePolicy<TContext extends { identity: Identity } = { identity: Identity }, TRoot = unknown, TArgs = unknown, TServices = unknown>(
  name: string,
  allows: AccessPolicy<TContext, TRoot, TArgs, TServices>["allows"],
  options: { deny?: "error" | "null" } = {},
): AccessPolicy<TContext, TRoot, TArgs, TServices> {
  return { name, deny: options.deny ?? "error", allows };
}

/**
 * Which rows of a list (or which object found by a query) a caller may see: a query filter, not a
 * per-field rule. The resolver applies it; the field declares it (`@Access({ filter })`) so the
 * listing of rules says so.
 */
export interface VisibilityFilter<TRow> {
  readonly name: string;
  visible(identity: Identity, row: TRow): boolean;
}

export function visibilityFilter<TRow>(name: string, visible: (identity: Identity, row: TRow) => boolean): VisibilityFilter<TRow> {
  return { name, visible };
}

/**
 * Who reads public data: the caller, except an API key without `scope`, which reads as an anonymous
 * caller would (a scope only adds to what a key may see, it never takes away what is public).
 */
export function publicReader(identity: Identity, scope: string): Identity {
  return identity.kind === "apiKey" && !identity.scopes.includes(scope) ? ANONYMOUS : identity;
}

/** Tags `scope:<scope>` in the supergraph name the API-key scopes a field accepts. */
export const SCOPE_TAG_PREFIX = "scope:";
/** The tag `access:<summary>` in the supergraph says who may call a field (or, on a type, its fields). */
export const ACCESS_TAG_PREFIX = "access:";

/**
 * The rule in a few words: `public-data`, `public`, `signed-in` or `with-parent`, then `roles=A|B`,
 * `policy=<name>` (`deny=null` when a refused caller gets null), `filter=<name>`, comma-separated.
 */
export function describeAccess(rule: AccessRule): string {
  const parts = [rule.withParent ? "with-parent" : rule.publicData ? "public-data" : rule.public ? "public" : "signed-in"];
  if (rule.roles?.length) parts.push(`roles=${rule.roles.join("|")}`);
  if (rule.policy) parts.push(`policy=${rule.policy.name}`, ...(rule.policy.deny === "null" ? ["deny=null"] : []));
  if (rule.filter) parts.push(`filter=${rule.filter.name}`);
  return parts.join(",");
}

/**
 * Field guard: `@Access({ roles: ["ADMIN"], scope: "users:read" })`, `@Access()` for any signed-in
 * user, `@Access({ public: true, scope: "users:read", policy: selfOrAdmin })`. The rule is published
 * as `@tag(name: "access:<summary>")`, and each accepted scope as `@tag(name: "scope:<scope>")`,
 * so the composed supergraph says who may call every field and what an API key needs.
 *
 * On an object type, `@Access({ withParent: true })` (plain data) is the rule of each of its fields
 * that declares none, published as a tag on the type. It is the only rule a type takes: type-graphql
 * would apply a type's check to the class's own properties but not to field resolvers declared in
 * resolver classes, so a checked rule there would cover some fields and not others. A field with a
 * check declares it itself.
 */
export function Access(rule: AccessRule = {}): ClassDecorator & MethodDecorator & PropertyDecorator {
  const accessTag = Directive(`@tag(name: "${ACCESS_TAG_PREFIX}${describeAccess(rule)}")`);
  const tags = [accessTag, ...acceptedScopes(rule).map((scope) => Directive(`@tag(name: "${SCOPE_TAG_PREFIX}${scope}")`))];
  if (rule.withParent && (rule.roles || rule.scope !== undefined || rule.public || rule.publicData)) {
    throw new Error("@Access({ withParent: true }) checks nothing of the caller: it takes no roles, scope or public (a policy, yes)");
  }
  if (rule.publicData && (rule.roles || rule.public || rule.keyRefusal || rule.policy || typeof rule.scope !== "string")) {
    // A policy would see a key without the scope as its owner; the filter is applied to publicReader's caller.
    throw new Error("@Access({ publicData: true }) is everyone's to read: it takes one scope (what a key needs to read as its owner) and a filter, no roles or policy");
  }
  // Plain data has no check to run: its fields are read by whoever reached the object.
  const checked = !rule.withParent || rule.policy !== undefined;
  return (target: object, propertyKey?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (propertyKey === undefined) {
      if (checked) throw new Error("@Access on a type is { withParent: true } only: declare checked rules on the fields");
      (accessTag as ClassDecorator)(target as never);
      return;
    }
    if (checked) Authorized<AccessRule>(rule)(target, propertyKey, descriptor as never);
    // type-graphql lists a field's directives last-applied first: apply in reverse to keep the rule's order.
    for (const tag of [...tags].reverse()) tag(target, propertyKey as string, descriptor as never);
  };
}

function acceptedScopes(rule: AccessRule): readonly string[] {
  if (rule.scope === undefined) return [];
  return typeof rule.scope === "string" ? [rule.scope] : rule.scope;
}

/** The checks every rule makes of the caller alone: signed in, role, API-key scope. */
export function checkAccess(identity: Identity, rule: AccessRule): void {
  if (rule.withParent) return; // checked where the object was reached
  if (identity.kind === "anonymous") {
    if (rule.public || rule.publicData) return;
    throw unauthenticated();
  }
  if (rule.publicData) return; // every key reads public data; its filter sees a key without the scope as anonymous
  if (identity.kind === "apiKey") {
    if (!rule.scope) throw forbidden(rule.keyRefusal ?? "API keys cannot call this field");
    const accepted = acceptedScopes(rule);
    if (!accepted.some((scope) => identity.scopes.includes(scope))) {
      throw forbidden(`This API key lacks the scope ${accepted.map((scope) => `"${scope}"`).join(" or ")}`);
    }
  }
  if (rule.roles && !rule.roles.includes(identity.role)) throw forbidden();
}

/**
 * type-graphql's auth checker (schemas are built with `authMode: "null"`): false makes the field
 * null, every other refusal throws its coded error. A policy runs after the caller's checks, on
 * arguments that passed the kit's input rules (the same refusal as without a policy), and a value
 * Postgres cannot read in them is the caller's error, as it is in a resolver.
 */
export async function checkRules({ root, args, context, info }: ResolverData<{ identity: Identity }>, rules: readonly AccessRule[], services: unknown): Promise<boolean> {
  let argumentsChecked = false;
  for (const rule of rules.length ? rules : [{}]) {
    checkAccess(context.identity, rule);
    if (!rule.policy) continue;
    if (!argumentsChecked) checkArguments(args, info);
    argumentsChecked = true;
    let allowed: boolean;
    try {
      allowed = await rule.policy.allows({ identity: context.identity, root: root as unknown, args, context, info, services });
    } catch (error) {
      if (error instanceof DriverException && isInvalidValueError(error)) throw badInput("A value in the request is not valid for its field");
      throw error;
    }
    if (!allowed) {
      if (rule.policy.deny === "null") return false;
      throw forbidden();
    }
  }
  // The field's input rules, after the caller's checks (guardArguments leaves them to this check).
  if (!argumentsChecked) checkArguments(args, info);
  return true;
}

/** The names of the `@tag`s among a definition's directives (`access:…`, `scope:…`, `live:…`). */
export function tagNames(directives: readonly ConstDirectiveNode[] | undefined): string[] {
  return (directives ?? [])
    .filter((directive) => directive.name.value === "tag")
    .map((directive) => directive.arguments?.find((arg) => arg.name.value === "name")?.value)
    .flatMap((value) => (value?.kind === Kind.STRING ? [value.value] : []));
}

/**
 * Whether a field's access rule checks the caller (type-graphql runs AccessChecker on it), from
 * the tag `@Access` gave it: every rule but plain data (`with-parent`) without a policy.
 */
export function checksCaller(field: GraphQLField<unknown, unknown>): boolean {
  const summary = tagNames(field.astNode?.directives)
    .find((tag) => tag.startsWith(ACCESS_TAG_PREFIX))
    ?.slice(ACCESS_TAG_PREFIX.length);
  return summary !== undefined && (!summary.startsWith("with-parent") || summary.split(",").some((part) => part.startsWith("policy=")));
}

/**
 * The checker every subgraph schema is built with, constructed by the schema's container with the
 * subgraph's services (as its resolvers are), which it hands to policies.
 */
export class AccessChecker implements AuthCheckerInterface<{ identity: Identity }, AccessRule> {
  constructor(private readonly services?: unknown) {}

  check(data: ResolverData<{ identity: Identity }>, rules: AccessRule[]): Promise<boolean> {
    return checkRules(data, rules, this.services);
  }
}

/** For a policy that picks the scope from what the call names: API keys need exactly this one. */
export function requireScope(identity: Identity, scope: string): void {
  if (identity.kind === "apiKey" && !identity.scopes.includes(scope)) throw forbidden(`This API key lacks the scope "${scope}"`);
}

/** The signed-in caller's account id (an API key's owner), or null for anonymous callers. */
export function callerId(identity: Identity): string | null {
  return identity.kind === "anonymous" ? null : identity.userId;
}

/** Whether the caller is this account (an API key acting for it included). */
export function isCaller(identity: Identity, userId: string): boolean {
  return callerId(identity) === userId;
}

/**
 * The caller a field's rule admitted, for a resolver whose rule admits signed-in callers only (no
 * `public`): it reads who is calling, it decides nothing. Reaching it anonymously is a rule missing
 * from the field, reported as the rule would have.
 */
export function signedInCaller(identity: Identity): Exclude<Identity, { kind: "anonymous" }> {
  if (identity.kind === "anonymous") throw unauthenticated();
  return identity;
}

/** The person's login, for a field whose rule refuses API keys (no scope): logout, key management. */
export function personCaller(identity: Identity): Extract<Identity, { kind: "user" }> {
  if (identity.kind !== "user") throw identity.kind === "anonymous" ? unauthenticated() : forbidden("API keys cannot call this field");
  return identity;
}

// Generic policies: the same few decisions every subgraph makes.

/** Anonymous callers get null (`me`, your progress): signed in, the field is about the caller. */
export const signedIn = definePolicy("signedIn", ({ identity }) => identity.kind !== "anonymous", { deny: "null" });

/** On a field of an account (its root has the account's `id`): the account itself and admins see it; others get null. */
export const selfOrAdmin = definePolicy<{ identity: Identity }, { id: string }>("selfOrAdmin", ({ identity, root }) => isCaller(identity, root.id) || isAdmin(identity), {
  deny: "null",
});

/**
 * A subject its owner and admins may act on (or see): `subject` loads it from the call (through the
 * request's loaders), `ownerOf` names its owner. What does not exist, or is hidden from the caller
 * (`hidden`), is `missing()`; someone else's is `refused()` (null with `deny: "null"`).
 */
export function ownerOrAdmin<TContext extends { identity: Identity }, TSubject, TRoot = unknown, TArgs = unknown>(
  name: string,
  options: {
    subject: (request: AccessRequest<TContext, TRoot, TArgs>) => Promise<TSubject | null | undefined>;
    ownerOf: (subject: TSubject) => string;
    /** Who besides the owner and admins may see it (but not act on it): it then counts as found. */
    hidden?: (identity: Identity, subject: TSubject) => boolean;
    /** Thrown when it does not exist or is hidden: NOT_FOUND, so ids cannot be probed. Null without. */
    missing?: () => Error;
    /** Thrown for someone else's: FORBIDDEN with why. Null (deny "null") without. */
    refused?: () => Error;
    /** Admins are not owners here: only the owner may act (the uploader, the person sitting a test). */
    ownerOnly?: boolean;
  },
): AccessPolicy<TContext, TRoot, TArgs> {
  const deny = options.refused || options.missing ? "error" : "null";
  return definePolicy<TContext, TRoot, TArgs>(
    name,
    async (request) => {
      const subject = await options.subject(request);
      if (!subject || options.hidden?.(request.identity, subject)) {
        if (options.missing) throw options.missing();
        return false;
      }
      if (isCaller(request.identity, options.ownerOf(subject)) || (!options.ownerOnly && isAdmin(request.identity))) return true;
      if (options.refused) throw options.refused();
      if (options.missing) throw options.missing();
      return false;
    },
    { deny },
  );
}

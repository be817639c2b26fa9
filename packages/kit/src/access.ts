import type { AuthChecker } from "type-graphql";
import { Authorized, Directive } from "type-graphql";
import { forbidden, unauthenticated } from "./errors";
import type { Identity, RoleName } from "./identity";

/**
 * Who may call a field. `roles`: the caller's role must be one of them (any signed-in caller when
 * omitted). `scope`: what an API key needs to call it; without one, API keys may not call it at all.
 * `public`: anonymous callers too (roles then apply to signed-in callers only).
 *
 * On a field of an object type (not Query or Mutation), `{ public: true, scope }` makes a private
 * field: people always reach it (its resolver decides what they see), an API key only with the
 * scope, wherever the type is reached from.
 */
export interface AccessRule {
  roles?: RoleName[];
  /** One scope, or several of which any will do (the resolver then checks the one that applies). */
  scope?: string | readonly string[];
  public?: boolean;
}

/**
 * Field guard: `@Access({ roles: ["ADMIN"], scope: "users:read" })`, or `@Access()` for any signed-in
 * user. Each accepted scope is also published as `@tag(name: "scope:<scope>")`, so the composed
 * supergraph says what an API key needs for every field.
 */
export function Access(rule: AccessRule = {}): MethodDecorator & PropertyDecorator {
  const authorize = Authorized<AccessRule>(rule);
  const tags = acceptedScopes(rule).map((scope) => Directive(`@tag(name: "${SCOPE_TAG_PREFIX}${scope}")`));
  return (target: object, propertyKey: string | symbol, descriptor?: PropertyDescriptor) => {
    authorize(target, propertyKey, descriptor as never);
    // type-graphql lists a field's directives last-applied first: apply in reverse to keep the rule's order.
    for (const tag of [...tags].reverse()) tag(target, propertyKey as string, descriptor as never);
  };
}

/** Tags `scope:<scope>` in the supergraph name the API-key scopes a field accepts. */
export const SCOPE_TAG_PREFIX = "scope:";

function acceptedScopes(rule: AccessRule): readonly string[] {
  if (rule.scope === undefined) return [];
  return typeof rule.scope === "string" ? [rule.scope] : rule.scope;
}

export function checkAccess(identity: Identity, rule: AccessRule): void {
  if (identity.kind === "anonymous") {
    if (rule.public) return;
    throw unauthenticated();
  }
  if (identity.kind === "apiKey") {
    if (!rule.scope) throw forbidden("API keys cannot call this field");
    const accepted = acceptedScopes(rule);
    if (!accepted.some((scope) => identity.scopes.includes(scope))) {
      throw forbidden(`This API key lacks the scope ${accepted.map((scope) => `"${scope}"`).join(" or ")}`);
    }
  }
  if (rule.roles && !rule.roles.includes(identity.role)) throw forbidden();
}

export const accessChecker: AuthChecker<{ identity: Identity }, AccessRule> = ({ context }, rules) => {
  for (const rule of rules.length ? rules : [{}]) checkAccess(context.identity, rule);
  return true;
};

/** For a resolver that picks the scope from its arguments: API keys need exactly this one. */
export function requireScope(identity: Identity, scope: string): void {
  if (identity.kind === "apiKey" && !identity.scopes.includes(scope)) throw forbidden(`This API key lacks the scope "${scope}"`);
}

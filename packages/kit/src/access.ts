import { AuthChecker, Authorized } from "type-graphql";
import { forbidden, unauthenticated } from "./errors";
import { Identity, RoleName } from "./identity";

/**
 * Who may call a field. `roles`: the caller's role must be one of them (any signed-in caller when
 * omitted). `scope`: what an API key needs to call it; without one, API keys may not call it at all.
 * `public`: anonymous callers too (roles then apply to signed-in callers only).
 */
export interface AccessRule {
  roles?: RoleName[];
  /** One scope, or several of which any will do (the resolver then checks the one that applies). */
  scope?: string | string[];
  public?: boolean;
}

/** Field guard: `@Access({ roles: ["ADMIN"], scope: "users:read" })`, or `@Access()` for any signed-in user. */
export function Access(rule: AccessRule = {}): MethodDecorator & PropertyDecorator {
  return Authorized<AccessRule>(rule);
}

export function checkAccess(identity: Identity, rule: AccessRule): void {
  if (identity.kind === "anonymous") {
    if (rule.public) return;
    throw unauthenticated();
  }
  if (identity.kind === "apiKey") {
    if (!rule.scope) throw forbidden("API keys cannot call this field");
    const accepted = Array.isArray(rule.scope) ? rule.scope : [rule.scope];
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

import type { ConstDirectiveNode, FieldDefinitionNode, ObjectTypeDefinitionNode, ObjectTypeExtensionNode } from "graphql";
import { Kind, parse } from "graphql";
import { ACCESS_TAG_PREFIX, SCOPE_TAG_PREFIX, acceptsEveryScope, tagNames } from "@solo/kit";

/**
 * Every field of every subgraph with the access rule it declares, read from the subgraph's SDL:
 * the `access:` tag `@Access` puts on the field, or else the one on its type (a type-level default,
 * `@Access({ withParent: true })` for plain data). Exempt by rule, so they need none:
 *  - federation's own fields (`Query._entities`, `Query._service`, type `_Service`): the gateway
 *    calls them, and the reference resolvers behind `_entities` apply the entity's visibility;
 *  - an entity's key fields (`@key(fields: …)`): what every subgraph exchanges to name the entity;
 *  - `@external` fields: another subgraph's, declared here only to be required or provided.
 * Anything else without a rule is reported.
 */
export interface FieldRule {
  subgraph: string;
  type: string;
  field: string;
  /** The `access:` summary; "exempt: key" and the like; null when the field declares none. */
  access: string | null;
  /** Where the rule is declared: on the field, its type, or exempt. */
  source: "field" | "type" | "exempt" | "none";
  /** API-key scopes (`scope:` tags), any of which will do. */
  scopes: string[];
}

const accessOf = (directives: readonly ConstDirectiveNode[] | undefined): string | null =>
  tagNames(directives)
    .find((tag) => tag.startsWith(ACCESS_TAG_PREFIX))
    ?.slice(ACCESS_TAG_PREFIX.length) ?? null;

const has = (directives: readonly ConstDirectiveNode[] | undefined, name: string) => (directives ?? []).some((d) => d.name.value === name);

/** The top-level field names of each `@key(fields: "…")` (nested selections name other types' fields). */
function keyFields(type: ObjectTypeDefinitionNode | ObjectTypeExtensionNode): Set<string> {
  const names = new Set<string>();
  for (const directive of type.directives ?? []) {
    if (directive.name.value !== "key") continue;
    const fields = directive.arguments?.find((arg) => arg.name.value === "fields")?.value;
    if (fields?.kind !== Kind.STRING) continue;
    let depth = 0;
    for (const token of fields.value.split(/(\{|\}|\s+)/).filter((part) => part.trim())) {
      if (token === "{") depth++;
      else if (token === "}") depth--;
      else if (depth === 0) names.add(token);
    }
  }
  return names;
}

function exemption(typeName: string, field: FieldDefinitionNode, keys: Set<string>): string | null {
  if (typeName.startsWith("_") || (typeName === "Query" && field.name.value.startsWith("_"))) return "federation";
  if (keys.has(field.name.value)) return "key";
  if (has(field.directives, "external")) return "external";
  return null;
}

/** Each field of one subgraph's SDL with its rule (federation internals left out). */
export function fieldRules(subgraph: string, sdl: string): FieldRule[] {
  const rules: FieldRule[] = [];
  for (const definition of parse(sdl).definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const type = definition.name.value;
    const typeAccess = accessOf(definition.directives);
    const keys = keyFields(definition);
    for (const field of definition.fields ?? []) {
      const exempt = exemption(type, field, keys);
      if (exempt === "federation") continue;
      const own = accessOf(field.directives);
      const scopes = tagNames(field.directives).flatMap((tag) => (tag.startsWith(SCOPE_TAG_PREFIX) ? [tag.slice(SCOPE_TAG_PREFIX.length)] : []));
      const [access, source]: [string | null, FieldRule["source"]] = own
        ? [own, "field"]
        : typeAccess
          ? [typeAccess, "type"]
          : exempt
            ? [`exempt: ${exempt}`, "exempt"]
            : [null, "none"];
      rules.push({ subgraph, type, field: field.name.value, access, source, scopes });
    }
  }
  return rules;
}

/** The fields that declare no rule and are not exempt, as `subgraph: Type.field`. */
export function undeclared(rules: FieldRule[]): string[] {
  return rules.filter((rule) => rule.source === "none").map((rule) => `${rule.subgraph}: ${rule.type}.${rule.field}`);
}

function keysColumn(rule: FieldRule): string {
  if (rule.access?.startsWith("with-parent") || rule.source === "exempt") return "";
  // Public data: every key reads what anonymous callers do; the scope makes it read as its owner.
  if (rule.access?.startsWith("public-data")) return `keys: any (as owner with ${rule.scopes.join(" or ")})`;
  if (!rule.scopes.length) return "keys: none";
  return `keys: ${acceptsEveryScope(rule.scopes) ? "any scope" : rule.scopes.join(" or ")}`;
}

const HEADER = `# Who may call each field of the supergraph, as each subgraph declares it (@Access on the field,
# or on its type for the fields that declare nothing). Written by \`npm run compose\`; checked by
# tools/test/access-rules.test.ts. Columns: field, rule ((type): declared on the type), API keys.
#   public / signed-in: anonymous callers too / signed-in callers only (people and API keys)
#   public-data: public data: anonymous callers and every API key, whatever its scopes, read what is public
#   with-parent: no check of its own: whoever reached the object reads it
#   roles=A|B: the caller's role; policy=<name>: a named check (deny=null: others get null, no error)
#   filter=<name>: the rows (or the object) returned are those the named visibility filter lets the caller see
#   keys: the API-key scopes accepted (any one); none: API keys are refused; any (as owner with S):
#     every key reads the public part, a key holding S reads as its owner (their drafts too)
#   exempt: key fields and @external fields (federation's own fields are left out)
`;

/** The checked-in listing (schema/access-rules.txt): one line per field, by subgraph, type and field. */
export function accessListing(subgraphs: { name: string; sdl: string }[]): string {
  const sections = subgraphs.map(({ name, sdl }) => {
    const rules = fieldRules(name, sdl).sort((a, b) => a.type.localeCompare(b.type) || a.field.localeCompare(b.field));
    const width = Math.max(...rules.map((rule) => `${rule.type}.${rule.field}`.length));
    const ruleOf = (rule: FieldRule) => `${rule.access ?? "NONE"}${rule.source === "type" ? " (type)" : ""}`;
    const ruleWidth = Math.max(...rules.map((rule) => ruleOf(rule).length));
    const lines = rules.map((rule) => [`${rule.type}.${rule.field}`.padEnd(width), ruleOf(rule).padEnd(ruleWidth), keysColumn(rule)].join("  ").trimEnd());
    return [`## ${name}`, ...lines].join("\n");
  });
  return `${HEADER}\n${sections.join("\n\n")}\n`;
}

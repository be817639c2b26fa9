import type { GraphQLSchema } from "graphql";
import { ACCESS_TAG_PREFIX, SCOPE_TAG_PREFIX, tagNames } from "./access";
import { acceptsEveryScope } from "./scopes";

/**
 * Who may call a root field, in a sentence for its description, from the tags `@Access` gives it
 * (`access:<summary>`, `scope:<scope>`): what GraphiQL's docs and a partner's generated types show
 * beside the field, kept in step with the rule itself (schema/access-rules.txt lists the same).
 */
export function accessSentence(tags: readonly string[]): string | undefined {
  const summary = tags.find((tag) => tag.startsWith(ACCESS_TAG_PREFIX))?.slice(ACCESS_TAG_PREFIX.length);
  if (summary === undefined || summary.startsWith("with-parent")) return undefined;
  const parts = summary.split(",");
  const scopes = tags.filter((tag) => tag.startsWith(SCOPE_TAG_PREFIX)).map((tag) => tag.slice(SCOPE_TAG_PREFIX.length));
  const roles = parts
    .find((part) => part.startsWith("roles="))
    ?.slice("roles=".length)
    .split("|");
  const needs = acceptsEveryScope(scopes) ? "any scope" : scopes.map((scope) => `\`${scope}\``).join(" or ");
  if (parts[0] === "public-data") return `Access: public data, for anyone and every API key; a key with ${needs} reads as its owner.`;
  const who = parts[0] === "public" ? "anyone, signed in or not" : roles ? `signed-in ${roles.join(" or ")} accounts` : "signed-in callers";
  return `Access: ${who}; API keys ${scopes.length ? `need ${needs}` : "are refused"}.`;
}

/** Appends each root field's access sentence to its description, in a schema type-graphql built. */
export function describeRootAccess(schema: GraphQLSchema): void {
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      const sentence = accessSentence(tagNames(field.astNode?.directives));
      if (sentence && !field.description?.includes(sentence)) field.description = field.description ? `${field.description}\n\n${sentence}` : sentence;
    }
  }
}

import { Kind, parse } from "graphql";
import { tagNames } from "@solo/kit";

export interface LiveField {
  /** The query field that reads the subscription's current value, with the same arguments. */
  lookup: string;
  /** "signed-in": every signed-in subscriber may share one execution; otherwise one per identity. */
  audience: "per-identity" | "signed-in";
  /**
   * "owner": the topic is the subscriber's own (`live-topic:owner`): the subgraph publishes under
   * `{ owner: <account id> }`, and each subscriber listens under theirs (an API key: its owner's).
   * For fields about "your" things that take no argument naming them.
   */
  topicKey?: "owner";
  /**
   * A null read means "nothing yet", not "not yours": the subscription waits for the first value
   * (`live-empty:wait`, and every `live-topic:owner` field). Only for lookups that read the
   * caller's own things, so a null can hide nothing of anyone else's.
   */
  emptyMeansWaiting?: boolean;
}

/**
 * What the supergraph says about each subscription field: its subgraph tags it
 * `@tag(name: "live:<query field>")` (and `live-audience:signed-in` when the value is the same for
 * everyone signed in, `live-topic:owner` when each subscriber's events are their own, `live-empty:wait` when a null read
 * means nothing yet). The gateway needs nothing else to serve a new subscription field.
 */
export function readLiveFields(supergraphSdl: string): Map<string, LiveField> {
  const fields = new Map<string, LiveField>();
  for (const definition of parse(supergraphSdl).definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION || definition.name.value !== "Subscription") continue;
    for (const field of definition.fields ?? []) {
      const tags = tagNames(field.directives);
      const lookup = tags.find((tag) => tag.startsWith("live:"))?.slice("live:".length);
      if (!lookup) continue;
      fields.set(field.name.value, {
        lookup,
        audience: tags.includes("live-audience:signed-in") ? "signed-in" : "per-identity",
        ...(tags.includes("live-topic:owner") ? { topicKey: "owner" as const } : {}),
        ...(tags.includes("live-topic:owner") || tags.includes("live-empty:wait") ? { emptyMeansWaiting: true } : {}),
      });
    }
  }
  return fields;
}

import { CriticalityLevel, diff } from "@graphql-inspector/core";
import { GraphQLSchema, buildSchema } from "graphql";
import type { Change, Criticality } from "./api-types";

const CRITICALITY: Record<CriticalityLevel, Criticality> = {
  [CriticalityLevel.Breaking]: "BREAKING",
  [CriticalityLevel.Dangerous]: "DANGEROUS",
  [CriticalityLevel.NonBreaking]: "SAFE",
};

/**
 * The changes from one API schema to another, breaking first. No SDL (null, or blank: a variant whose
 * filter leaves nothing at some launch) is an empty schema: everything added, or everything removed.
 */
export async function schemaChanges(fromSdl: string | null, toSdl: string | null): Promise<Change[]> {
  return (await inspectedChanges(fromSdl, toSdl)).map(({ meta: _meta, ...change }) => change);
}

/** schemaChanges with each change's particulars (graphql-inspector's meta: a removed union member's name, say), for checks. */
export async function inspectedChanges(fromSdl: string | null, toSdl: string | null): Promise<(Change & { meta: Record<string, unknown> })[]> {
  const blank = (sdl: string | null): sdl is null => sdl === null || !sdl.trim();
  const changes = await diff(blank(fromSdl) ? null : buildSchema(fromSdl), blank(toSdl) ? new GraphQLSchema({}) : buildSchema(toSdl));
  const order: Criticality[] = ["BREAKING", "DANGEROUS", "SAFE"];
  return changes
    .map((change) => ({
      criticality: CRITICALITY[change.criticality.level],
      type: String(change.type),
      message: change.message,
      ...(change.path ? { path: change.path } : {}),
      meta: (change.meta ?? {}) as Record<string, unknown>,
    }))
    .sort((a, b) => order.indexOf(a.criticality) - order.indexOf(b.criticality));
}

/**
 * Whether a change breaks an operation that uses `coordinates` (from operationCoordinates). A
 * change's path names what changed (`Type`, `Type.field`, `Type.field.arg`, `Enum.VALUE`,
 * `Input.field`); it touches the coordinates at or under that path. A breaking addition (a
 * required argument or input field) touches what holds the new element: every use of the field,
 * or of the input type.
 */
export function changeTouches(change: Change, coordinates: readonly string[]): boolean {
  if (!change.path) return false;
  const paths = [change.path];
  const parent = change.path.split(".").slice(0, -1).join(".");
  if (change.criticality === "BREAKING" && change.type.endsWith("_ADDED") && parent) paths.push(parent);
  return coordinates.some((coordinate) => {
    // Type.field(arg:) → Type.field.arg, the path form.
    const dotted = coordinate.replace(/\((\w+):\)$/, ".$1");
    return paths.some((path) => dotted === path || dotted.startsWith(`${path}.`));
  });
}

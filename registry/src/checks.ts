import type { DocumentNode, GraphQLSchema } from "graphql";
import { buildSchema, validate, visit } from "graphql";
import type { Pool } from "pg";
import type { AffectedOperation, CheckReport, ClientRef } from "./api-types";
import { changeTouches, inspectedChanges } from "./changes";
import { compose, parseSdl } from "./composition";
import { operationCoordinates } from "./coordinates";
import { RegistryError } from "./errors";
import type { Limiter } from "./limiter";
import { OPERATION_LIMITS, parseBounded } from "./parse-limits";
import { currentState, recentUsageOperations, trustedOperations } from "./store";

interface KnownOperation extends AffectedOperation {
  body: string;
}

interface CheckedOperation extends KnownOperation {
  document: DocumentNode;
  /** What it uses of the current schema (where what a change removes still exists). */
  coordinates: string[];
  /** The types its fragments are on (`... on Admin`): a union losing one breaks it. */
  typeConditions: Set<string>;
}

/**
 * What publishing `sdl` as `subgraph` would do to the clients: compose it with the current
 * versions of the others, diff the API schemas, validate every trusted document and every
 * operation seen within `usageDays` against the proposed schema. It fails if composition fails,
 * an operation no longer validates, or a breaking change touches what an operation uses; a
 * breaking change nobody uses is a warning, and so is an operation that does not validate against
 * the current schema either (no change of this subgraph broke it). Stores nothing.
 */
export async function checkSubgraph(pool: Pool, limiter: Limiter, usageDays: number, subgraph: string, proposal: { sdl: string; url?: string }): Promise<CheckReport> {
  parseSdl(subgraph, proposal.sdl);
  const { versions: current, launch } = await currentState(pool);
  const existing = current.find((version) => version.subgraph === subgraph);
  if (!existing || !launch) throw new RegistryError(404, "UNKNOWN_SUBGRAPH", `no subgraph ${subgraph} was ever published: publish it first`);
  const report: CheckReport = { ok: true, subgraph, compositionErrors: [], changes: [], failedOperations: [], warnings: [], checkedOperations: 0 };
  const composed = await limiter.run(() =>
    compose([
      ...current.filter((version) => version !== existing).map(({ subgraph: name, url, sdl }) => ({ name, url, sdl })),
      { name: subgraph, url: proposal.url ?? existing.url, sdl: proposal.sdl },
    ]),
  );
  if (!composed.ok) return { ...report, ok: false, compositionErrors: composed.errors };

  const currentSchema = buildSchema(launch.apiSdl);
  const proposedSchema = buildSchema(composed.apiSdl);
  const operations: CheckedOperation[] = [];
  for (const operation of await knownOperations(pool, usageDays)) {
    const checked = readOperation(operation, currentSchema, report.warnings);
    if (!checked) continue;
    operations.push(checked);
    const errors = validated(proposedSchema, checked.document);
    if (errors.length) report.failedOperations.push({ ...affected(checked), errors });
  }
  report.checkedOperations = operations.length;
  // A proposal's diff is computed once and not remembered: anyone with read access could fill a cache with them.
  const changes = await inspectedChanges(launch.apiSdl, composed.apiSdl);
  const failed = new Set(report.failedOperations.map((operation) => operation.hash));
  for (const { meta, ...change } of changes) {
    const member = change.type === "UNION_MEMBER_REMOVED" ? String(meta.removedUnionMemberTypeName) : null;
    // An operation spreading on a member the union lost fails validation; that change is what broke it.
    const users = operations
      .filter((operation) => changeTouches(change, operation.coordinates) || (member && failed.has(operation.hash) && operation.typeConditions.has(member)))
      .map(affected);
    report.changes.push({ ...change, affected: users });
    if (change.criticality === "BREAKING" && !users.length) report.warnings.push(`breaking change no known operation uses: ${change.message}`);
  }
  report.ok = !report.failedOperations.length && !report.changes.some((change) => change.criticality === "BREAKING" && change.affected.length);
  return report;
}

const affected = ({ hash, name, clients, source, sources }: KnownOperation): AffectedOperation => ({ hash, name, clients, source, sources });

/** An operation parsed and checked against the current schema, or null (with a warning) when it is not usable as it is. */
function readOperation(operation: KnownOperation, currentSchema: GraphQLSchema, warnings: string[]): CheckedOperation | null {
  const label = `operation ${operation.name || "(anonymous)"} (${operation.hash.slice(0, 12)}, ${operation.sources.join(" and ")})`;
  let document: DocumentNode;
  try {
    document = parseBounded(operation.body, OPERATION_LIMITS, { noLocation: true });
  } catch (error) {
    warnings.push(`${label} does not parse, not checked: ${(error as Error).message}`);
    return null;
  }
  const errors = validated(currentSchema, document);
  if (errors.length) {
    warnings.push(`${label} does not validate against the current API schema either, not checked: ${errors[0]}`);
    return null;
  }
  const typeConditions = new Set<string>();
  visit(document, {
    InlineFragment: (node) => void (node.typeCondition && typeConditions.add(node.typeCondition.name.value)),
    FragmentDefinition: (node) => void typeConditions.add(node.typeCondition.name.value),
  });
  return { ...operation, document, coordinates: operationCoordinates(currentSchema, document), typeConditions };
}

/** validate()'s messages; what it throws (it recurses) is an error of the operation's, not the check's. */
function validated(schema: GraphQLSchema, document: DocumentNode): string[] {
  try {
    return validate(schema, document, undefined, { maxErrors: 20 }).map((error) => error.message);
  } catch (error) {
    return [`could not be validated: ${(error as Error).message}`];
  }
}

/** Trusted documents and operations seen within `usageDays`, each once (by hash), with the clients and sources of both. */
async function knownOperations(pool: Pool, usageDays: number): Promise<KnownOperation[]> {
  const byHash = new Map<string, KnownOperation>();
  const add = (operation: { hash: string; name: string; body: string; clients: ClientRef[] }, source: "trusted" | "usage") => {
    const known = byHash.get(operation.hash);
    if (!known) {
      byHash.set(operation.hash, { ...operation, source, sources: [source] });
      return;
    }
    if (!known.sources.includes(source)) known.sources.push(source);
    const seen = new Set(known.clients.map((client) => `${client.name}\n${client.version ?? ""}`));
    known.clients.push(...operation.clients.filter((client) => !seen.has(`${client.name}\n${client.version ?? ""}`)));
  };
  for (const operation of await trustedOperations(pool)) add(operation, "trusted");
  for (const operation of await recentUsageOperations(pool, usageDays)) add(operation, "usage");
  return [...byHash.values()];
}

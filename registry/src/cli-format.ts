import type { AffectedOperation, Change, ChangelogEntry, CheckReport, ClientRef, CoordinateUsage, LaunchSummary, SchemaDiff, SubgraphVersionSummary } from "./api-types";
import type { RegistryError } from "./errors";

/*
 * The CLI's human output: one line per thing, most important first, nothing a script should parse
 * (`--json` is for that).
 */

const short = (hash: string) => hash.slice(0, 12);

function clients(list: ClientRef[]): string {
  return list.length ? list.map((client) => (client.version ? `${client.name}@${client.version}` : client.name)).join(", ") : "no client";
}

function operation(affected: AffectedOperation): string {
  return `${affected.name || "(anonymous)"} ${short(affected.hash)} (${affected.source === "trusted" ? "trusted document" : "seen in usage"}; ${clients(affected.clients)})`;
}

function change(item: Change): string {
  return `${item.criticality.padEnd(9)} ${item.message}${item.path ? `  [${item.path}]` : ""}`;
}

function changeCounts(changes: Change[]): string {
  const breaking = changes.filter((item) => item.criticality === "BREAKING").length;
  const dangerous = changes.filter((item) => item.criticality === "DANGEROUS").length;
  return `${changes.length} change${changes.length === 1 ? "" : "s"} (${breaking} breaking, ${dangerous} dangerous)`;
}

export function formatCheck(report: CheckReport): string {
  const lines = [
    `check ${report.subgraph}: ${report.ok ? "passed" : "FAILED"}, ${changeCounts(report.changes)}, ${report.checkedOperations} operation${report.checkedOperations === 1 ? "" : "s"} checked`,
  ];
  if (report.compositionErrors.length) {
    lines.push("", "does not compose:");
    for (const error of report.compositionErrors) {
      const where = error.locations.map((location) => `${location.subgraph ?? "?"}:${location.line}:${location.column}`).join(", ");
      lines.push(`  ${error.code}: ${error.message}${where ? ` (${where})` : ""}`);
    }
  }
  if (report.changes.length) {
    lines.push("", "changes:");
    for (const item of report.changes) {
      lines.push(`  ${change(item)}`);
      for (const affected of item.affected) lines.push(`      used by ${operation(affected)}`);
    }
  }
  if (report.failedOperations.length) {
    lines.push("", "operations the proposed schema fails:");
    for (const failed of report.failedOperations) {
      lines.push(`  ${operation(failed)}`);
      for (const error of failed.errors) lines.push(`      ${error}`);
    }
  }
  if (report.warnings.length) {
    lines.push("", "warnings:");
    for (const warning of report.warnings) lines.push(`  ${warning}`);
  }
  return lines.join("\n");
}

export function formatHistory(subgraph: string, versions: SubgraphVersionSummary[]): string {
  const lines = [`${subgraph}: ${versions.length} version${versions.length === 1 ? "" : "s"}, newest first`];
  for (const version of versions) {
    const by = [version.author && `by ${version.author}`, version.commit && `commit ${version.commit}`].filter(Boolean).join(", ");
    lines.push(`  ${version.id}  ${version.createdAt}  sha256 ${short(version.hash)}  ${version.url}${by ? `  ${by}` : ""}`);
  }
  return lines.join("\n");
}

export function formatLaunches(launches: LaunchSummary[]): string {
  const lines = [`${launches.length} supergraph version${launches.length === 1 ? "" : "s"}, newest first`];
  for (const launch of launches) {
    lines.push(`  ${launch.id}  ${launch.createdAt}  after ${launch.trigger.subgraph} ${launch.trigger.versionId}  api sha256 ${short(launch.apiHash)}`);
  }
  return lines.join("\n");
}

export function formatDiff(diff: SchemaDiff): string {
  return [`${diff.from} → ${diff.to}: ${changeCounts(diff.changes)}`, ...diff.changes.map((item) => `  ${change(item)}`)].join("\n");
}

export function formatChangelog(entries: ChangelogEntry[]): string {
  if (!entries.length) return "no API changes yet";
  return entries
    .map((entry) => [`${entry.createdAt}  ${entry.launchId}: ${changeCounts(entry.changes)}`, ...entry.changes.map((item) => `  ${change(item)}`)].join("\n"))
    .join("\n\n");
}

export function formatUsage(usage: CoordinateUsage): string {
  const total = usage.operations.reduce((sum, item) => sum + item.count, 0);
  const lines = [
    `${usage.coordinate}: ${usage.operations.length} operation${usage.operations.length === 1 ? "" : "s"}, ${total} request${total === 1 ? "" : "s"} in the last ${usage.days} days`,
  ];
  for (const item of usage.operations) {
    const byClient = item.clients.map((client) => `${client.version ? `${client.name}@${client.version}` : client.name} ${client.count}`).join(", ");
    lines.push(`  ${item.name || "(anonymous)"} ${short(item.hash)}  ${item.count}${byClient ? `  (${byClient})` : ""}`);
  }
  return lines.join("\n");
}

/** A registry refusal with what its details say, locations first (a schema file's line and column). */
export function formatRegistryError(error: RegistryError, schemaFile?: string): string {
  const lines = [`error ${error.code}: ${error.message}`];
  const details = error.details ?? {};
  const locations = details.locations as { line: number; column: number }[] | undefined;
  for (const location of locations ?? []) lines.push(`  at ${schemaFile ?? "line"}:${location.line}:${location.column}`);
  const errors = details.errors as { code?: string; message: string; locations?: { subgraph: string | null; line: number; column: number }[] }[] | undefined;
  for (const item of errors ?? []) {
    const where = (item.locations ?? []).map((location) => `${location.subgraph ?? "?"}:${location.line}:${location.column}`).join(", ");
    lines.push(`  ${item.code ? `${item.code}: ` : ""}${item.message}${where ? ` (${where})` : ""}`);
  }
  const operations = details.operations as { id: string; name?: string; message?: string }[] | undefined;
  for (const item of operations ?? []) lines.push(`  ${item.name || "(anonymous)"} ${short(item.id)}${item.message ? `: ${item.message}` : ""}`);
  return lines.join("\n");
}

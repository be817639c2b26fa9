import fs from "node:fs";
import path from "node:path";
import { readSubgraphs } from "@solo/kit/catalog";

/** The compiled tests of the packages, every subgraph rover.yaml lists, the gateway, the registry, the tools and the end-to-end tests. */
export function findTests(root: string): string[] {
  const packages = fs.readdirSync(path.join(root, "packages")).map((name) => path.join(root, "packages", name));
  const workspaces = [
    ...packages,
    ...readSubgraphs(root).map((entry) => entry.dir),
    path.join(root, "gateway"),
    path.join(root, "registry"),
    path.join(root, "tools"),
    path.join(root, "e2e"),
  ];
  return workspaces
    .flatMap((dir) => walk(path.join(dir, "dist", "test")))
    .filter((file) => file.endsWith(".test.js"))
    .sort();
}

/** `e2e/dist/test/uploads.test.js` is the compiled `e2e/test/uploads.test.ts`. */
export function sourceOf(root: string, compiled: string): string {
  return path
    .relative(root, compiled)
    .split(path.sep)
    .filter((part) => part !== "dist")
    .join("/")
    .replace(/\.js$/, ".ts");
}

/**
 * The files `patterns` select: a pattern selects each file whose source path (`e2e/test/uploads.test.ts`)
 * or compiled path (`e2e/dist/test/uploads.test.js`), relative to the project, contains it. Absolute
 * and `./` paths count from where they point. No patterns: every file. A pattern that selects nothing
 * is reported, so a typo fails instead of quietly running everything or nothing.
 */
export function selectTests(root: string, files: string[], patterns: string[], cwd = process.cwd()): { selected: string[]; unmatched: string[] } {
  if (!patterns.length) return { selected: files, unmatched: [] };
  const names = files.map((file) => ({ file, names: [sourceOf(root, file), path.relative(root, file).split(path.sep).join("/")] }));
  const normalised = patterns.map((pattern) => {
    const pointsAtAPath = path.isAbsolute(pattern) || pattern.startsWith("./") || pattern.startsWith("../");
    return { pattern, part: (pointsAtAPath ? path.relative(root, path.resolve(cwd, pattern)) : pattern).split(path.sep).join("/") };
  });
  const matches = (names: string[], part: string) => names.some((name) => name.includes(part));
  return {
    selected: names.filter((entry) => normalised.some(({ part }) => matches(entry.names, part))).map((entry) => entry.file),
    unmatched: normalised.filter(({ part }) => !names.some((entry) => matches(entry.names, part))).map(({ pattern }) => pattern),
  };
}

/** Where the test runner keeps each file's last duration (tools/src/test-durations.ts writes it; .data/ is git-ignored and survives npm ci). */
export const durationsFile = (root: string) => path.join(root, ".data", "test-durations.json");

/**
 * Durations checked in (measured by a CI run), so that a fresh clone, and CI itself, start the
 * slowest files first too; this machine's own measurements go over them.
 */
const seedDurationsFile = (root: string) => path.join(root, "tools", "test-durations.json");

function readJson(file: string): Record<string, number> {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, number>;
  } catch {
    return {};
  }
}

/** What earlier runs measured, by source path (e2e/test/uploads.test.ts), in milliseconds. */
export function readDurations(root: string): Record<string, number> {
  return { ...readJson(seedDurationsFile(root)), ...readJson(durationsFile(root)) };
}

/**
 * Slowest first, by what earlier runs measured, and files never measured (new ones) before all:
 * workers that take the long files first finish together instead of waiting on one long file at the end.
 */
export function slowestFirst(root: string, files: string[], durations = readDurations(root)): string[] {
  const cost = (file: string) => durations[sourceOf(root, file)] ?? Number.POSITIVE_INFINITY;
  return [...files].sort((a, b) => cost(b) - cost(a) || a.localeCompare(b));
}

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(path.join(dir, entry.name)) : [path.join(dir, entry.name)]));
}

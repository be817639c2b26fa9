import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { buildSchema } from "graphql";
import { createLogger, projectRoot, readSubgraphs } from "@solo/kit";
import { RegistryClient, startRegistry } from "@solo/registry";
import { buildClientManifest } from "./client-manifest";
import type { SubgraphToPublish } from "./registry-publish";
import { publishClientManifest, publishSubgraphs } from "./registry-publish";

const run = promisify(execFile);
const CLI = path.join(projectRoot(), "registry", "dist", "src", "cli.js");

interface SubgraphCheck {
  subgraph: string;
  /** The CLI's exit code: 0 passed, 1 failed (or the registry refused the check). */
  exitCode: number;
  /** What `registry check` printed (its report, or its error). */
  output: string;
}

export interface RegistryCiResult {
  ok: boolean;
  checks: SubgraphCheck[];
  /** Subgraphs the baseline does not have: nothing to check them against (composition is tested elsewhere). */
  added: string[];
  /**
   * Baseline subgraphs the proposal no longer has (taken out of rover.yaml): everything they served
   * goes, and `registry check` checks one subgraph at a time, so this fails the check by itself.
   */
  removed: string[];
  /** Trusted documents the baseline serves, checked with every subgraph. */
  operations: number;
}

/**
 * CI's registry check: a registry of its own on `databaseUrl` (a throwaway database), holding the
 * baseline subgraphs and, as trusted documents, every contract operation the baseline serves; then
 * `registry check` (the CLI, as a process) for each proposed subgraph. Fails if any check fails:
 * a change that breaks an operation a client sends fails CI, naming it.
 */
export async function registryCiCheck(input: {
  databaseUrl: string;
  baseline: SubgraphToPublish[];
  proposed: { name: string; sdl: string }[];
}): Promise<RegistryCiResult> {
  const registry = await startRegistry(
    { port: 0, host: "127.0.0.1", databaseUrl: input.databaseUrl, eventBusNamespace: `registry-ci-${process.pid}`, minDelaySeconds: 5, checkUsageDays: 30 },
    createLogger("registry"),
  );
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "solo-registry-ci-"));
  try {
    const client = new RegistryClient({ url: registry.url });
    await publishSubgraphs(client, input.baseline, { author: "ci baseline" });
    // The operations clients send today: those the baseline's API serves (a later subgraph's wait).
    const manifest = buildClientManifest(buildSchema((await client.apiSchema()).sdl));
    await publishClientManifest(client, manifest);
    const known = new Set(input.baseline.map((subgraph) => subgraph.name));
    const proposedNames = new Set(input.proposed.map((subgraph) => subgraph.name));
    const removed = input.baseline.filter((subgraph) => !proposedNames.has(subgraph.name)).map((subgraph) => subgraph.name);
    const checks: SubgraphCheck[] = [];
    for (const subgraph of input.proposed.filter((candidate) => known.has(candidate.name))) {
      const file = path.join(scratch, `${subgraph.name}.graphql`);
      fs.writeFileSync(file, subgraph.sdl);
      checks.push({ subgraph: subgraph.name, ...(await runCheck(registry.url, subgraph.name, file)) });
    }
    return {
      ok: !removed.length && checks.every((check) => check.exitCode === 0),
      checks,
      removed,
      added: input.proposed.filter((subgraph) => !known.has(subgraph.name)).map((subgraph) => subgraph.name),
      operations: manifest.operations.length,
    };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
    await registry.close();
  }
}

async function runCheck(registryUrl: string, subgraph: string, file: string): Promise<{ exitCode: number; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, REGISTRY_URL: registryUrl };
  delete env.SOLO_REGISTRY_KEY; // a platform service token: this registry knows no API keys
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, "check", subgraph, "--schema", file], { env, maxBuffer: 16 * 1024 * 1024 });
    return { exitCode: 0, output: (stdout + stderr).trimEnd() };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string; message: string };
    if (typeof failed.code !== "number") throw error;
    return { exitCode: failed.code, output: ((failed.stdout ?? "") + (failed.stderr ?? "")).trimEnd() };
  }
}

/**
 * The baseline: each subgraph's checked-in schema/<name>.graphql at the merge-base with main (what
 * main serves; HEAD itself on main), at its rover.yaml routing URL. A subgraph without that file
 * there is new. Without git (an unpacked archive), the checked-in files as they are.
 */
export async function baselineSubgraphs(root = projectRoot()): Promise<{ ref: string; subgraphs: SubgraphToPublish[] }> {
  const ref = await baselineRef(root);
  const subgraphs: SubgraphToPublish[] = [];
  for (const entry of readSubgraphs(root)) {
    const file = path.relative(root, entry.schemaFile).split(path.sep).join("/");
    const sdl = ref ? await gitShow(root, ref, file) : fs.existsSync(entry.schemaFile) ? fs.readFileSync(entry.schemaFile, "utf8") : undefined;
    if (sdl !== undefined) subgraphs.push({ name: entry.name, url: entry.routingUrl, sdl });
  }
  return { ref: ref ?? "the working tree's schema/ (no git)", subgraphs };
}

async function baselineRef(root: string): Promise<string | undefined> {
  const git = (...args: string[]) => run("git", ["-C", root, ...args]).then(({ stdout }) => stdout.trim());
  const head = await git("rev-parse", "HEAD").catch(() => undefined);
  if (!head) return undefined;
  for (const main of ["main", "origin/main"]) {
    const base = await git("merge-base", "HEAD", main).catch(() => undefined);
    if (base) return base;
  }
  return head;
}

async function gitShow(root: string, ref: string, file: string): Promise<string | undefined> {
  return run("git", ["-C", root, "show", `${ref}:${file}`], { maxBuffer: 16 * 1024 * 1024 }).then(
    ({ stdout }) => stdout,
    () => undefined,
  );
}

import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import readline from "node:readline";
import { envInt, freePortOffset, readSubgraphs } from "@solo/kit";
import { DEFAULT_REGISTRY_URL } from "@solo/registry";
import { logFormat, relayLogLine } from "./log-format";

/** The schema registry's port under `npm start` (plus PORT_OFFSET): its default, as REGISTRY_URL's default says. */
export const REGISTRY_PORT = Number(new URL(DEFAULT_REGISTRY_URL).port);

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  exited: Promise<ExitStatus>;
}

export const describeExit = ({ code, signal }: ExitStatus): string => (signal ? `signal ${signal}` : `exit code ${code}`);

/**
 * Each service in a process group of its own (detached): a terminal's Ctrl-C then reaches only
 * the supervisor, which stops them in order. SOLO_SUPERVISOR_PID lets them stop themselves if the
 * supervisor dies first. Their logs (JSON lines on stdout) reach the supervisor's stdout as they
 * are, or, when it shows them pretty (see logFormat), through it line by line.
 */
export function startProcess(name: string, script: string, args: string[], env: NodeJS.ProcessEnv, stdout: "inherit" | "pipe" = "inherit"): ManagedProcess {
  const relay = stdout === "inherit" && logFormat() === "pretty";
  const child = spawn(process.execPath, ["--enable-source-maps", script, ...args], {
    env: { ...process.env, ...env, SOLO_SUPERVISOR_PID: String(process.pid) },
    stdio: ["ignore", relay ? "pipe" : stdout, "inherit"],
    detached: true,
  });
  if (relay) readline.createInterface({ input: child.stdout!, crlfDelay: Infinity }).on("line", (line) => relayLogLine(name, line));
  const exited = new Promise<ExitStatus>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  return { name, child, exited };
}

/** SIGTERM, then SIGKILL if it has not exited within the grace period. */
export async function stopProcess(proc: ManagedProcess, graceMs = 20_000): Promise<ExitStatus> {
  if (proc.child.exitCode === null && proc.child.signalCode === null) {
    proc.child.kill("SIGTERM");
  }
  const timer = setTimeout(() => proc.child.kill("SIGKILL"), graceMs);
  const status = await proc.exited;
  clearTimeout(timer);
  return status;
}

/**
 * After a service died on its own, what it started may live on in its process group (the local
 * services' Postgres, holding its port and data directory): SIGINT (Postgres's fast shutdown),
 * then SIGKILL whatever is still there after the grace period.
 */
export async function endProcessGroup(pid: number, graceMs = 10_000): Promise<void> {
  const signal = (name: NodeJS.Signals | 0) => {
    try {
      process.kill(-pid, name);
      return true;
    } catch {
      return false; // no process left in the group
    }
  };
  if (!signal("SIGINT")) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (!signal(0)) return;
  }
  signal("SIGKILL");
}

/** Resolves with the first line that starts with `prefix`, passing other output through (see relayLogLine). */
export function waitForLine(proc: ManagedProcess, prefix: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = "";
    let found = false;
    proc.child.stdout!.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        if (!found && line.startsWith(prefix)) {
          found = true;
          resolve(line.slice(prefix.length).trim());
        } else {
          relayLogLine(proc.name, line);
        }
      }
    });
    // `exited` never rejects: it resolves when the child exits.
    void proc.exited.then((status) => {
      if (!found) reject(new Error(`${proc.name} exited with ${describeExit(status)} before it was ready`));
    });
  });
}

/** Polls a URL until it answers 2xx. */
export async function waitUntilReady(url: string, timeoutMs = 60_000, dead?: Promise<unknown>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let stopped = false;
  void dead?.then(() => (stopped = true)); // a process's `exited`, which never rejects
  while (Date.now() < deadline) {
    if (stopped) throw new Error(`${url}: the process exited before it was ready`);
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined);
    if (response?.ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} was not ready within ${timeoutMs / 1000} s`);
}

/** A PORT_OFFSET under which the gateway's port, every subgraph's (rover.yaml) and the registry's are free: a second `npm start`. */
export function freePlatformPortOffset(root?: string): Promise<number> {
  return freePortOffset([envInt("PORT", 4000), ...readSubgraphs(root).map((entry) => entry.port), REGISTRY_PORT]);
}

import { ChildProcess, spawn } from "node:child_process";

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

/**
 * Each service in a process group of its own (detached): a terminal's Ctrl-C then reaches only
 * the supervisor, which stops them in order. SOLO_SUPERVISOR_PID lets them stop themselves if the
 * supervisor dies first.
 */
export function startProcess(name: string, script: string, env: NodeJS.ProcessEnv, stdout: "inherit" | "pipe" = "inherit"): ManagedProcess {
  const child = spawn(process.execPath, ["--enable-source-maps", script], {
    env: { ...process.env, ...env, SOLO_SUPERVISOR_PID: String(process.pid) },
    stdio: ["ignore", stdout, "inherit"],
    detached: true,
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code, signal) => resolve(signal ? 128 : code)));
  return { name, child, exited };
}

/** SIGTERM, then SIGKILL if it has not exited within the grace period; resolves to the exit code. */
export async function stopProcess(proc: ManagedProcess, graceMs = 20_000): Promise<number | null> {
  if (proc.child.exitCode === null && proc.child.signalCode === null) {
    proc.child.kill("SIGTERM");
  }
  const timer = setTimeout(() => proc.child.kill("SIGKILL"), graceMs);
  const code = await proc.exited;
  clearTimeout(timer);
  return code;
}

/** Resolves with the first line that starts with `prefix`, passing other output through. */
export function waitForLine(proc: ManagedProcess, prefix: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = "";
    let found = false;
    proc.child.stdout!.on("data", (chunk: Buffer) => {
      if (found) return void process.stdout.write(chunk);
      buffer += chunk.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        if (!found && line.startsWith(prefix)) {
          found = true;
          resolve(line.slice(prefix.length).trim());
        } else {
          process.stdout.write(`${line}\n`);
        }
      }
    });
    proc.exited.then((code) => {
      if (!found) reject(new Error(`${proc.name} exited with code ${code} before it was ready`));
    });
  });
}

/** Polls a URL until it answers 2xx. */
export async function waitUntilReady(url: string, timeoutMs = 60_000, dead?: Promise<unknown>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let stopped = false;
  dead?.then(() => (stopped = true));
  while (Date.now() < deadline) {
    if (stopped) throw new Error(`${url}: the process exited before it was ready`);
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined);
    if (response?.ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} was not ready within ${timeoutMs / 1000} s`);
}

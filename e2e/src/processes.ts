import { ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { freePort, projectRoot } from "@solo/kit";

export { freePort };

export interface Service {
  name: string;
  url: string;
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** One platform service as its own process (the built entry point), ready when /ready says so. */
export async function startService(name: string, entry: string, port: number, env: NodeJS.ProcessEnv): Promise<Service> {
  const child = spawn(process.execPath, [path.join(projectRoot(), entry)], {
    env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}/graphql`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited:\n${output}`);
    const ready = await fetch(`http://127.0.0.1:${port}/ready`).catch(() => undefined);
    if (ready?.ok) break;
    if (i > 300) throw new Error(`${name} not ready:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { name, url, child, output: () => output, exited };
}

export async function stopService(service: Service, signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
  if (service.child.exitCode === null) service.child.kill(signal);
  return service.exited;
}

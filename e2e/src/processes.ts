import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import path from "node:path";
import { freePort, projectRoot, readSubgraphs, subgraphUrlVariable } from "@solo/kit";

export { freePort };

export interface Service {
  name: string;
  url: string;
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** One platform service as its own process (the built entry point), ready when `readyPath` (/ready) says so. */
export async function startService(name: string, entry: string, port: number, env: NodeJS.ProcessEnv, args: string[] = [], readyPath = "/ready"): Promise<Service> {
  const child = spawn(process.execPath, [path.join(projectRoot(), entry), ...args], {
    env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}/graphql`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited:\n${output}`);
    const ready = await fetch(`http://127.0.0.1:${port}${readyPath}`).catch(() => undefined);
    if (ready?.ok) break;
    if (i > 300) {
      child.kill("SIGKILL"); // not left running behind a failed start
      throw new Error(`${name} not ready:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { name, url, child, output: () => output, exited };
}

export async function stopService(service: Service, signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
  if (service.child.exitCode === null) service.child.kill(signal);
  return service.exited;
}

/** Subgraph `subgraph` as its own process, through the kit's entry point, as `npm start` runs it. */
export function startSubgraphProcess(subgraph: string, port: number, env: NodeJS.ProcessEnv, name = subgraph): Promise<Service> {
  return startService(name, "packages/kit/dist/src/serve.js", port, env, [subgraph]);
}

/**
 * Every subgraph of rover.yaml as a process on a free port, in its order, each told where all of
 * them are (SUBGRAPH_URL_<NAME>, also in the returned `env` for gateways started next).
 */
export async function startSubgraphProcesses(env: NodeJS.ProcessEnv): Promise<{ services: Service[]; env: NodeJS.ProcessEnv }> {
  const entries = readSubgraphs();
  const ports = await Promise.all(entries.map(() => freePort()));
  const urls = Object.fromEntries(entries.map((entry, index) => [subgraphUrlVariable(entry.name), `http://127.0.0.1:${ports[index]}/graphql`]));
  const withUrls = { ...env, ...urls };
  const services: Service[] = [];
  try {
    for (const [index, entry] of entries.entries()) services.push(await startSubgraphProcess(entry.name, ports[index], withUrls));
  } catch (error) {
    for (const service of services) await stopService(service, "SIGKILL");
    throw error;
  }
  return { services, env: withUrls };
}

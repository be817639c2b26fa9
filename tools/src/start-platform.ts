import path from "node:path";
import type { DemoLogin } from "@solo/kit";
import { devMailboxPath, envInt, graphiqlEnabled, isProduction, loadSubgraph, platformSecrets, projectRoot, readSubgraphs, subgraphUrlVariable } from "@solo/kit";
import { RegistryClient } from "@solo/registry";
import { Client } from "pg";
import type { ExitStatus } from "./processes";
import { REGISTRY_PORT, describeExit, waitForLine, waitUntilReady } from "./processes";
import readline from "node:readline/promises";
import { demoLogins, isEmptyDatabase, seed } from "./seed";
import { paint } from "./log-format";
import type { PlannedPort } from "./start-guards";
import { nextFreeOffset, portsInUse } from "./start-guards";
import { box, stepBegins, stepDone, stepFailed } from "./start-steps";
import { readClientManifest } from "./client-manifest";
import { publishPlatform, servedSdl } from "./registry-publish";
import { SupervisedService } from "./supervisor";
import { workerProcesses } from "./workers";

/** The kit's entry point for one subgraph process, given its rover.yaml name. */
const SERVE_SUBGRAPH = path.join(projectRoot(), "packages", "kit", "dist", "src", "serve.js");
/** …and for one worker process, given the subgraph's name and the worker's. */
const RUN_WORKER = path.join(projectRoot(), "packages", "kit", "dist", "src", "work.js");
/** The schema registry's process. */
const RUN_REGISTRY = path.join(projectRoot(), "registry", "dist", "src", "index.js");

/** Everything `npm start` runs, once start.ts holds the data directory (see start.ts). */
export async function startPlatform(): Promise<void> {
  const root = projectRoot();
  const services: SupervisedService[] = [];
  let localServices: SupervisedService | undefined;
  let stopping = false;

  // PORT_OFFSET shifts every port, so a second copy (or a test) can run beside the first.
  const offset = envInt("PORT_OFFSET", 0);
  const subgraphs = readSubgraphs(root).map((subgraph) => {
    const url = new URL(subgraph.routingUrl);
    url.port = String(subgraph.port + offset);
    return { ...subgraph, port: subgraph.port + offset, routingUrl: url.toString() };
  });
  const port = envInt("PORT", 4000) + offset;
  const registryUrl = `http://127.0.0.1:${REGISTRY_PORT + offset}`;
  const standIns = {
    postgres: !process.env.DATABASE_URL,
    s3: !process.env.S3_ENDPOINT,
    smtp: !process.env.SMTP_URL,
    instagram: !process.env.INSTAGRAM_GRAPH_URL,
  };
  if (!(await portsAreFree(plannedPorts(port, REGISTRY_PORT + offset, subgraphs, standIns), offset))) process.exit(1);

  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log("\nstopping the platform…");
    let clean = code === 0;
    for (const service of [...services].reverse()) {
      const status = await service.stop();
      if (status && status.code !== 0) {
        console.error(`${service.current.name} stopped with ${describeExit(status)}`);
        clean = false;
      }
    }
    const status = await localServices?.stop();
    if (status && status.code !== 0) {
      console.error("the local services did not stop cleanly");
      clean = false;
    }
    if (clean) stepDone("stopped", "every process exited cleanly");
    process.exit(clean ? 0 : 1);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));
  const failedToStart = (name: string, status: ExitStatus) => {
    if (stopping) return;
    stepFailed(`${name} exited with ${describeExit(status)} before the platform was up`);
    void shutdown(1);
  };

  try {
    platformSecrets(); // create the development keys once, before several processes race to
    let databaseUrl = process.env.DATABASE_URL;
    // Where the stand-ins listen, for every subgraph (S3 for content, SMTP for users, Instagram for social).
    const standInEnv: Record<string, string> = {};
    const devMailEnv: Record<string, string> = {};
    if (standIns.postgres || standIns.s3 || standIns.smtp || standIns.instagram) {
      const missing = [
        standIns.postgres && "DATABASE_URL",
        standIns.s3 && "S3_ENDPOINT",
        standIns.smtp && "SMTP_URL",
        standIns.instagram && "INSTAGRAM_GRAPH_URL",
      ].filter(Boolean);
      const described = [
        standIns.postgres && "an embedded Postgres (.data/postgres)",
        standIns.s3 && "a local S3 store (.data/objects)",
        standIns.smtp && "a mail catcher (/dev/mail)",
        standIns.instagram && "an Instagram stand-in (tokens dev-<handle>)",
      ];
      const began = stepBegins("local services", `${missing.join(" and ")} not set: starting ${described.filter(Boolean).join(" and ")}`);
      let firstReady: Promise<string> | undefined;
      localServices = new SupervisedService(
        {
          name: "local services",
          script: path.join(__dirname, "local-services.js"),
          env: {
            WITH_POSTGRES: standIns.postgres ? "1" : "0",
            WITH_S3: standIns.s3 ? "1" : "0",
            WITH_SMTP: standIns.smtp ? "1" : "0",
            WITH_INSTAGRAM: standIns.instagram ? "1" : "0",
          },
          stdout: "pipe",
          // Every start prints READY with the same addresses (their ports are fixed); the first says what they are.
          onStart: (proc) => {
            const ready = waitForLine(proc, "READY ");
            ready.catch(() => undefined); // a restart that fails before READY is logged as an exit
            firstReady ??= ready;
          },
        },
        failedToStart,
      );
      const ready = JSON.parse(await firstReady!) as { databaseUrl?: string; s3Endpoint?: string; smtpUrl?: string; instagramGraphUrl?: string };
      databaseUrl ??= ready.databaseUrl!;
      if (ready.s3Endpoint) {
        Object.assign(standInEnv, { S3_ENDPOINT: ready.s3Endpoint, S3_REGION: "auto", S3_ACCESS_KEY_ID: "S3RVER", S3_SECRET_ACCESS_KEY: "S3RVER" });
      }
      if (ready.smtpUrl) {
        standInEnv.SMTP_URL = ready.smtpUrl;
        // The gateway lists what the catcher caught at /dev/mail: only when this catcher runs.
        devMailEnv.DEV_MAILBOX_PATH = devMailboxPath();
      }
      if (ready.instagramGraphUrl) standInEnv.INSTAGRAM_GRAPH_URL = ready.instagramGraphUrl;
      stepDone("local services", "ready", began);
    }
    if (!databaseUrl) throw new Error("the local services gave no database URL");
    const database = databaseUrl;
    stepDone("database", withoutPassword(database));

    // Every process learns where every subgraph is: subgraphs call each other's /internal routes.
    const subgraphUrls = Object.fromEntries(subgraphs.map((subgraph) => [subgraphUrlVariable(subgraph.name), subgraph.routingUrl]));
    // The registry starts beside the subgraphs (it needs users only to verify an API key, at a
    // request) and stops last, after the gateway has sent it its usage.
    const registry = new SupervisedService(
      { name: "registry", script: RUN_REGISTRY, env: { ...subgraphUrls, DATABASE_URL: database, PORT: String(REGISTRY_PORT + offset) } },
      failedToStart,
    );
    services.push(registry);
    const registryBegan = Date.now();
    const registryReady = waitUntilReady(`${registryUrl}/ready`, 60_000, registry.current.exited).then(() =>
      stepDone("registry", `ready at ${registryUrl}`, registryBegan),
    );
    stepBegins("migrations", "each subgraph applies its own as it starts");
    const subgraphServices = subgraphs.map((subgraph) => {
      const env = { ...subgraphUrls, ...standInEnv, PORT: String(subgraph.port), DATABASE_URL: database };
      const service = new SupervisedService({ name: subgraph.name, script: SERVE_SUBGRAPH, args: [subgraph.name], env }, failedToStart);
      services.push(service);
      return service;
    });
    registryReady.catch(() => undefined); // awaited below, before the gateway starts
    const subgraphsBegan = new Date();
    await Promise.all(
      subgraphs.map(async (subgraph, index) => {
        await waitUntilReady(subgraph.routingUrl.replace(/\/graphql$/, "/ready"), 120_000, subgraphServices[index].current.exited);
        stepDone(subgraph.name, `ready at ${subgraph.routingUrl} (${await migrationsOf(subgraph.dir, database, subgraphsBegan)})`, subgraphsBegan.getTime());
      }),
    );
    // Workers beside their subgraphs (started after them, so stopped before them), with their env but no port.
    const workerEnv = { ...subgraphUrls, ...standInEnv, DATABASE_URL: database };
    for (const worker of workerProcesses(root, { ...process.env, ...workerEnv })) {
      services.push(new SupervisedService({ name: worker.name, script: RUN_WORKER, args: [worker.subgraph, worker.worker], env: workerEnv }, failedToStart));
    }

    // The gateway takes its supergraph from the registry: in development, what these subgraphs serve.
    await registryReady;
    if (!isProduction()) await publishWorkingTree(registryUrl, subgraphs);

    const gateway = new SupervisedService(
      {
        name: "gateway",
        script: path.join(root, "gateway", "dist", "src", "index.js"),
        env: {
          ...subgraphUrls,
          // The event bus for subscriptions: Redis when REDIS_URL is set, else this database's LISTEN/NOTIFY.
          DATABASE_URL: database,
          SUBGRAPHS: subgraphs.map((subgraph) => `${subgraph.name}=${subgraph.routingUrl}`).join(","),
          SUPERGRAPH_SOURCE: "registry",
          REGISTRY_URL: registryUrl,
          PORT: String(port),
          ...devMailEnv,
        },
      },
      failedToStart,
    );
    services.push(gateway);
    const gatewayBegan = Date.now();
    await waitUntilReady(`http://127.0.0.1:${port}/ready`, 60_000, gateway.current.exited);
    stepDone("gateway", `ready at http://127.0.0.1:${port}/graphql`, gatewayBegan);
    // Everything has started once: from now on a crash is healed by a restart.
    for (const service of [localServices, ...services]) service?.keepAlive();
    const demo = await offerDemoData(database);
    const gatewayUrl = `http://127.0.0.1:${port}`;
    const urls: [string, string][] = [
      ["API", `${gatewayUrl}/graphql`],
      // The gateway reads the same setting from the environment it inherits from this process.
      ...(graphiqlEnabled() ? [["GraphiQL", `${gatewayUrl}/`] as [string, string]] : []),
      ["Dashboard", `${gatewayUrl}/dashboard`],
      ...(devMailEnv.DEV_MAILBOX_PATH ? [["Caught mail", `${gatewayUrl}/dev/mail`] as [string, string]] : []),
      ...(standInEnv.S3_ENDPOINT || process.env.S3_ENDPOINT
        ? [["Object store", `${standInEnv.S3_ENDPOINT || process.env.S3_ENDPOINT} (bucket ${process.env.S3_BUCKET || "solo"})`] as [string, string]]
        : []),
      ["Registry", registryUrl],
    ];
    console.log(
      `\n${box(`SOLO supergraph ready: ${gatewayUrl}/graphql  (Ctrl-C stops everything)`, [...urls.map(([name, url]) => `${name.padEnd(14)}${url}`), "", ...loginLines(demo === "absent" ? [] : await demoLogins(database))])}\n`,
    );
  } catch (error) {
    if (stopping) return;
    stepFailed(error instanceof Error ? error.message : String(error));
    await shutdown(1);
  }
}

/** The box's lines for the demo's logins, or how to load the demo when it is not there. */
function loginLines(logins: DemoLogin[]): string[] {
  if (!logins.length) return ["No demo data: `npm run seed` loads it (see the README's Demo data)."];
  const passwords = [...new Set(logins.map((login) => login.password))];
  const lines = logins.map((login) => `  ${login.role.padEnd(12)}${login.email}${passwords.length > 1 ? `  password ${login.password}` : ""}`);
  return [passwords.length === 1 ? `Demo logins (password "${passwords[0]}"):` : "Demo logins:", ...lines];
}

/** A database URL as it may be shown: without its password. */
function withoutPassword(url: string): string {
  const { protocol, username, host, pathname } = new URL(url);
  return `${protocol}//${username ? `${username}@` : ""}${host}${pathname}`;
}

/**
 * A subgraph that answers /ready has applied its migrations (serve.js applies them first): how
 * many its schema holds, and how many of those this start applied.
 */
async function migrationsOf(dir: string, databaseUrl: string, since: Date): Promise<string> {
  const { schema } = loadSubgraph(dir);
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ total: number; applied: number }>(
      `select count(*)::int as total, count(*) filter (where executed_at >= $1)::int as applied from "${schema}".mikro_orm_migrations`,
      [since],
    );
    return `migrations: ${rows[0].total}, ${rows[0].applied ? paint("yellow", `${rows[0].applied} applied now`) : "all applied before"}`;
  } catch (error) {
    // A subgraph with no migrations yet (one just scaffolded) may have no table of them.
    if ((error as { code?: string }).code === "42P01") return "migrations: none";
    throw error;
  } finally {
    await client.end();
  }
}

/** Every port this start will listen on, with whose it is and what moves it. */
function plannedPorts(
  gatewayPort: number,
  registryPort: number,
  subgraphs: { name: string; port: number }[],
  standIns: Record<"postgres" | "s3" | "smtp" | "instagram", boolean>,
): PlannedPort[] {
  const ports: PlannedPort[] = [
    { port: gatewayPort, owner: "gateway", variable: "PORT_OFFSET" },
    ...subgraphs.map((subgraph) => ({ port: subgraph.port, owner: `subgraph ${subgraph.name}`, variable: "PORT_OFFSET" })),
    { port: registryPort, owner: "registry", variable: "PORT_OFFSET" },
  ];
  const embedded = [
    standIns.postgres && { port: envInt("EMBEDDED_POSTGRES_PORT", 54320), owner: "embedded Postgres", variable: "EMBEDDED_POSTGRES_PORT" },
    standIns.s3 && { port: envInt("EMBEDDED_S3_PORT", 54321), owner: "local S3 store", variable: "EMBEDDED_S3_PORT" },
    standIns.smtp && { port: envInt("EMBEDDED_SMTP_PORT", 54325), owner: "mail catcher", variable: "EMBEDDED_SMTP_PORT" },
    standIns.instagram && { port: envInt("EMBEDDED_INSTAGRAM_PORT", 54326), owner: "Instagram stand-in", variable: "EMBEDDED_INSTAGRAM_PORT" },
  ];
  return [...ports, ...embedded.filter((planned): planned is PlannedPort => Boolean(planned))];
}

/**
 * Says which port is taken, whose it would be and how to move it (the first of the platform's own,
 * the others it shares PORT_OFFSET with on one more line); true if none is.
 */
async function portsAreFree(ports: PlannedPort[], offset: number): Promise<boolean> {
  const taken = await portsInUse(ports);
  const shifted = taken.filter((planned) => planned.variable === "PORT_OFFSET");
  if (shifted.length) {
    const [first, ...others] = shifted;
    stepFailed(`port ${first.port} is in use (${first.owner}); stop what holds it or set PORT_OFFSET=${(await nextFreeOffset(ports, offset)) ?? offset + 100}`);
    if (others.length) console.error(`  in use too: ${others.map((planned) => `${planned.port} (${planned.owner})`).join(", ")}`);
  }
  for (const planned of taken.filter((candidate) => candidate.variable !== "PORT_OFFSET")) {
    stepFailed(`port ${planned.port} is in use (${planned.owner}); stop what holds it or set ${planned.variable} to a free port`);
  }
  return taken.length === 0;
}

/**
 * Development: the registry holds what this working tree serves, so it is never empty and the
 * gateway's supergraph is the code's: each running subgraph's SDL (federation's `_service`, what
 * `npm run compose` prints) at its URL, with the project's trusted documents (client solo-web) and
 * the partner variant. An unchanged subgraph stores nothing.
 */
async function publishWorkingTree(registryUrl: string, subgraphs: { name: string; routingUrl: string }[]): Promise<void> {
  const served = await Promise.all(subgraphs.map(async (subgraph) => ({ name: subgraph.name, url: subgraph.routingUrl, sdl: await servedSdl(subgraph.routingUrl) })));
  const result = await publishPlatform(new RegistryClient({ url: registryUrl }), served, readClientManifest(), { author: "npm start" });
  const changed = result.published.length ? `published ${result.published.join(", ")}` : "every subgraph unchanged";
  stepDone("registry", `${registryUrl}: ${changed}; supergraph ${result.launchId}; ${result.operations.stored + result.operations.unchanged} trusted documents`);
}

/**
 * On an empty database, offer the demo (SEED_DEMO=1 loads it without asking; without a terminal
 * to ask on, say how to load it). "absent" when the database stays without it; "maybe" otherwise
 * (loaded now, or a database with data, which may be the demo's).
 */
async function offerDemoData(databaseUrl: string): Promise<"absent" | "maybe"> {
  if (!(await isEmptyDatabase(databaseUrl))) return "maybe";
  let load = process.env.SEED_DEMO === "1";
  if (!load && process.stdin.isTTY) {
    const prompt = readline.createInterface({ input: process.stdin, output: process.stdout });
    // The prompt reads Ctrl-C as a keystroke: pass it on as the signal that stops the platform.
    prompt.on("SIGINT", () => process.kill(process.pid, "SIGINT"));
    const answer = await prompt.question(
      "\nThe database is empty. Load the demo (an instructor, a CLAT course, a 120-question mock test, 200 students with attempts)? [y/N] ",
    );
    prompt.close();
    load = /^y(es)?$/i.test(answer.trim());
  }
  if (!load) {
    console.log("\nThe database is empty: `npm run seed` loads a demo (see the README for queries to try on it).");
    return "absent";
  }
  const began = stepBegins("demo data", "loading");
  await seed(databaseUrl);
  stepDone("demo data", "loaded", began);
  return "maybe";
}

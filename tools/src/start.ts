import path from "node:path";
import { devMailboxPath, envInt, platformSecrets, projectRoot, readSubgraphs, subgraphUrlVariable } from "@solo/kit";
import type { ExitStatus } from "./processes";
import { describeExit, waitForLine, waitUntilReady } from "./processes";
import readline from "node:readline/promises";
import { isEmptyDatabase, seed } from "./seed";
import { SupervisedService } from "./supervisor";
import { workerProcesses } from "./workers";

/** The kit's entry point for one subgraph process, given its rover.yaml name. */
const SERVE_SUBGRAPH = path.join(projectRoot(), "packages", "kit", "dist", "src", "serve.js");
/** …and for one worker process, given the subgraph's name and the worker's. */
const RUN_WORKER = path.join(projectRoot(), "packages", "kit", "dist", "src", "work.js");

/**
 * `npm start`: the whole platform on one machine. With DATABASE_URL, S3_ENDPOINT, SMTP_URL (and
 * REDIS_URL) set it uses them; without, it starts an embedded Postgres (.data/postgres), a local S3
 * store (.data/objects) and a mail catcher (.data/mailbox.jsonl, listed at the gateway's /dev/mail).
 * Once everything is up, a service that dies is restarted (see SupervisedService). Ctrl-C or
 * SIGTERM stops the gateway, then the workers, then the subgraphs, then those; the exit code is 0 only if all stopped
 * cleanly.
 */
async function main() {
  const root = projectRoot();
  const services: SupervisedService[] = [];
  let localServices: SupervisedService | undefined;
  let stopping = false;

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
    process.exit(clean ? 0 : 1);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));
  const failedToStart = (name: string, status: ExitStatus) => {
    if (stopping) return;
    console.error(`${name} exited with ${describeExit(status)} before the platform was up`);
    void shutdown(1);
  };

  try {
    platformSecrets(); // create the development keys once, before several processes race to
    let databaseUrl = process.env.DATABASE_URL;
    // Where the stand-ins listen, for every subgraph (S3 for content, SMTP for users, Instagram for social).
    const standInEnv: Record<string, string> = {};
    const devMailEnv: Record<string, string> = {};
    if (!databaseUrl || !process.env.S3_ENDPOINT || !process.env.SMTP_URL || !process.env.INSTAGRAM_GRAPH_URL) {
      const missing = [
        !databaseUrl && "DATABASE_URL",
        !process.env.S3_ENDPOINT && "S3_ENDPOINT",
        !process.env.SMTP_URL && "SMTP_URL",
        !process.env.INSTAGRAM_GRAPH_URL && "INSTAGRAM_GRAPH_URL",
      ].filter(Boolean);
      const standIns = [
        !databaseUrl && "an embedded Postgres (.data/postgres)",
        !process.env.S3_ENDPOINT && "a local S3 store (.data/objects)",
        !process.env.SMTP_URL && "a mail catcher (/dev/mail)",
        !process.env.INSTAGRAM_GRAPH_URL && "an Instagram stand-in (tokens dev-<handle>)",
      ];
      console.log(`${missing.join(" and ")} not set: starting ${standIns.filter(Boolean).join(" and ")}`);
      let firstReady: Promise<string> | undefined;
      localServices = new SupervisedService(
        {
          name: "local services",
          script: path.join(__dirname, "local-services.js"),
          env: {
            WITH_POSTGRES: databaseUrl ? "0" : "1",
            WITH_S3: process.env.S3_ENDPOINT ? "0" : "1",
            WITH_SMTP: process.env.SMTP_URL ? "0" : "1",
            WITH_INSTAGRAM: process.env.INSTAGRAM_GRAPH_URL ? "0" : "1",
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
    }

    // PORT_OFFSET shifts every port, so a second copy (or a test) can run beside the first.
    const offset = envInt("PORT_OFFSET", 0);
    const subgraphs = readSubgraphs(root).map((subgraph) => {
      const url = new URL(subgraph.routingUrl);
      url.port = String(subgraph.port + offset);
      return { ...subgraph, port: subgraph.port + offset, routingUrl: url.toString() };
    });
    // Every process learns where every subgraph is: subgraphs call each other's /internal routes.
    const subgraphUrls = Object.fromEntries(subgraphs.map((subgraph) => [subgraphUrlVariable(subgraph.name), subgraph.routingUrl]));
    for (const subgraph of subgraphs) {
      const env = { ...subgraphUrls, ...standInEnv, PORT: String(subgraph.port), DATABASE_URL: databaseUrl };
      services.push(new SupervisedService({ name: subgraph.name, script: SERVE_SUBGRAPH, args: [subgraph.name], env }, failedToStart));
    }
    await Promise.all(subgraphs.map((subgraph, index) => waitUntilReady(subgraph.routingUrl.replace(/\/graphql$/, "/ready"), 120_000, services[index].current.exited)));
    // Workers beside their subgraphs (started after them, so stopped before them), with their env but no port.
    const workerEnv = { ...subgraphUrls, ...standInEnv, DATABASE_URL: databaseUrl };
    for (const worker of workerProcesses(root, { ...process.env, ...workerEnv })) {
      services.push(new SupervisedService({ name: worker.name, script: RUN_WORKER, args: [worker.subgraph, worker.worker], env: workerEnv }, failedToStart));
    }

    const port = envInt("PORT", 4000) + offset;
    const gateway = new SupervisedService(
      {
        name: "gateway",
        script: path.join(root, "gateway", "dist", "src", "index.js"),
        env: {
          ...subgraphUrls,
          // The event bus for subscriptions: Redis when REDIS_URL is set, else this database's LISTEN/NOTIFY.
          DATABASE_URL: databaseUrl,
          SUBGRAPHS: subgraphs.map((subgraph) => `${subgraph.name}=${subgraph.routingUrl}`).join(","),
          PORT: String(port),
          ...devMailEnv,
        },
      },
      failedToStart,
    );
    services.push(gateway);
    await waitUntilReady(`http://127.0.0.1:${port}/ready`, 60_000, gateway.current.exited);
    // Everything has started once: from now on a crash is healed by a restart.
    for (const service of [localServices, ...services]) service?.keepAlive();
    await offerDemoData(databaseUrl);
    console.log(`\nSOLO supergraph ready: http://127.0.0.1:${port}/graphql  (Ctrl-C stops everything)\n`);
  } catch (error) {
    if (stopping) return;
    console.error(error instanceof Error ? error.message : error);
    await shutdown(1);
  }
}

/**
 * On an empty database, offer the demo (SEED_DEMO=1 loads it without asking; without a terminal
 * to ask on, say how to load it).
 */
async function offerDemoData(databaseUrl: string): Promise<void> {
  if (!(await isEmptyDatabase(databaseUrl))) return;
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
  if (load) await seed(databaseUrl);
  else console.log("\nThe database is empty: `npm run seed` loads a demo (see the README for queries to try on it).");
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

import { dataDir } from "@solo/kit/config";
import { lockDataDir } from "./start-guards";
import { stepDone, stepFailed } from "./start-steps";

/**
 * `npm start`: the whole platform on one machine: the subgraphs, their workers, the schema registry
 * (filled from the working tree in development) and the gateway, which takes its supergraph from it. With DATABASE_URL, S3_ENDPOINT, SMTP_URL (and
 * REDIS_URL) set it uses them; without, it starts an embedded Postgres (.data/postgres), a local S3
 * store (.data/objects) and a mail catcher (.data/mailbox.jsonl, listed at the gateway's /dev/mail).
 * Once everything is up, a service that dies is restarted (see SupervisedService). Ctrl-C or
 * SIGTERM stops the gateway, then the workers, then the subgraphs, then those; the exit code is 0 only if all stopped
 * cleanly.
 */
async function main() {
  // One `npm start` per data directory: a second would fight the first over its Postgres and
  // files. Checked before the platform's modules load, so a second start refuses at once.
  const data = dataDir();
  const lock = lockDataDir(data);
  if (lock.heldBy) {
    stepFailed(
      `another npm start (pid ${lock.heldBy}) holds the data directory ${data}: stop it (Ctrl-C in its terminal), or give this one a directory of its own with SOLO_DATA_DIR`,
    );
    process.exit(1);
  }
  // `npm start` built the project just before (its script runs `tsc -b` first, announcing it).
  if (process.env.npm_lifecycle_event === "start") stepDone("build", "tsc -b: the project is compiled");
  stepDone("data directory", `${data} (this npm start: pid ${process.pid})`);
  const { startPlatform } = await import("./start-platform.js");
  await startPlatform();
}

main().catch((error) => {
  stepFailed(error instanceof Error ? error.message : String(error));
  process.exit(1);
});

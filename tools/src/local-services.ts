import fs from "node:fs";
import path from "node:path";
import { ObjectStorage, corsOriginsFromEnv, dataDir, devMailboxPath, envInt, envString, watchSupervisor } from "@solo/kit";
import { ensureDatabase, startEmbeddedPostgres } from "./embedded-postgres";
import { startInstagramStandIn } from "./instagram-stand-in";
import { createLocalObjectStore } from "./local-object-store";
import { startMailCatcher } from "./mail-catcher";

/** What `READY {json}` carries: where each stand-in that was asked for listens. */
interface ReadyAddresses {
  databaseUrl?: string;
  s3Endpoint?: string;
  smtpUrl?: string;
  instagramGraphUrl?: string;
}

/**
 * The stand-ins `npm start` uses when no DATABASE_URL, S3_ENDPOINT, SMTP_URL or INSTAGRAM_GRAPH_URL
 * is set: an embedded Postgres (data in .data/postgres), s3rver (files in .data/objects), a mail
 * catcher (mail in .data/mailbox.jsonl, shown at the gateway's /dev/mail) and an Instagram stand-in
 * (in memory, taking `dev-<handle>` tokens). They run in this process, which `npm start`
 * puts in a process group of its own, so a terminal's Ctrl-C cannot stop them under subgraphs that
 * are still draining. Prints `READY {json}` once they answer; stops on SIGTERM.
 */
async function main() {
  const stops: (() => Promise<void>)[] = [];
  const ready: ReadyAddresses = {};

  // Listening before anything starts: a SIGTERM that arrives while the stand-ins are still starting
  // (the supervisor stopping a freshly restarted helper) waits for them, then closes each one and
  // exits 0, instead of killing the process by the signal's default with a Postgres left behind.
  let starting: Promise<void> = Promise.resolve();
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await starting.catch(() => undefined);
    for (const close of stops) await close();
    process.exit(0);
  };
  // A close that throws ends this process with its error (an unhandled rejection), as it should.
  const stopNow = () => void stop();
  process.on("SIGTERM", stopNow);
  process.on("SIGINT", stopNow);
  watchSupervisor(stopNow);

  starting = startStandIns(stops, ready);
  await starting;
  if (!stopping) process.stdout.write(`READY ${JSON.stringify(ready)}\n`);
}

/** Starts the stand-ins asked for, each adding its close to `stops` (first to close first). */
async function startStandIns(stops: (() => Promise<void>)[], ready: ReadyAddresses): Promise<void> {
  if (process.env.WITH_POSTGRES === "1") {
    const postgres = await startEmbeddedPostgres({
      dir: path.join(dataDir(), "postgres"),
      port: envInt("EMBEDDED_POSTGRES_PORT", 54320),
    });
    stops.push(() => postgres.stop());
    ready.databaseUrl = await ensureDatabase(postgres.adminUrl, "solo");
  }
  if (process.env.WITH_S3 === "1") {
    const directory = path.join(dataDir(), "objects");
    fs.mkdirSync(directory, { recursive: true });
    const server = createLocalObjectStore({ address: "127.0.0.1", port: envInt("EMBEDDED_S3_PORT", 54321), directory });
    const { port } = await server.run();
    stops.unshift(() => server.close());
    ready.s3Endpoint = `http://127.0.0.1:${port}`;
    const storage = new ObjectStorage({
      endpoint: ready.s3Endpoint,
      region: "auto",
      bucket: process.env.S3_BUCKET || "solo",
      accessKeyId: "S3RVER",
      secretAccessKey: "S3RVER",
    });
    await storage.ensureBucket();
    // Browsers on the allowed origins PUT uploads and GET downloads straight from the store.
    await storage.allowBrowserOrigins(corsOriginsFromEnv());
    storage.destroy();
  }
  if (process.env.WITH_SMTP === "1") {
    const catcher = await startMailCatcher({
      port: envInt("EMBEDDED_SMTP_PORT", 54325),
      host: envString("HOST", "127.0.0.1"),
      mailboxPath: devMailboxPath(),
      // Where no /dev/mail is served (docker compose), the links are in this process's log.
      onMail: (mail) =>
        console.log(
          `caught mail to ${mail.to}: ${mail.subject}${linksIn(mail.text)
            .map((link) => `\n  ${link}`)
            .join("")}`,
        ),
    });
    stops.unshift(() => catcher.close());
    ready.smtpUrl = catcher.smtpUrl;
  }
  if (process.env.WITH_INSTAGRAM === "1") {
    const instagram = await startInstagramStandIn({ port: envInt("EMBEDDED_INSTAGRAM_PORT", 54326), host: envString("HOST", "127.0.0.1"), open: true });
    stops.unshift(() => instagram.close());
    ready.instagramGraphUrl = instagram.url;
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

function linksIn(text: string): string[] {
  return text.match(/https?:\/\/\S+/g) ?? [];
}

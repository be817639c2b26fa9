import fs from "node:fs";
import path from "node:path";
import { dataDir, envString } from "./config";

/** A mail as the development mailbox keeps it (and `GET /dev/mail` shows it). */
export interface CaughtMail {
  to: string;
  subject: string;
  text: string;
  /** ISO-8601, when the catcher received it. */
  at: string;
}

/** The JSON-lines file the local mail catcher writes and the gateway reads (DEV_MAILBOX_PATH). */
export function devMailboxPath(): string {
  return envString("DEV_MAILBOX_PATH", path.join(dataDir(), "mailbox.jsonl"));
}

export function appendToDevMailbox(file: string, mail: CaughtMail): Promise<void> {
  return fs.promises.appendFile(file, `${JSON.stringify(mail)}\n`);
}

/** The newest `limit` mails, oldest first; none when the file does not exist yet. */
export async function readDevMailbox(file: string, limit = 200): Promise<CaughtMail[]> {
  const content = await fs.promises.readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return "";
    throw error;
  });
  return content
    .split("\n")
    .filter(Boolean)
    .slice(-limit)
    .map((line) => JSON.parse(line) as CaughtMail);
}

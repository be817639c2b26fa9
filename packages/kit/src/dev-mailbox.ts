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

/** Mails are a few KB: the newest 200 fit in this much of the file's end, however long it grows. */
const TAIL_BYTES = 1024 * 1024;

/** The newest `limit` mails, oldest first; none when the file does not exist yet. */
export async function readDevMailbox(file: string, limit = 200): Promise<CaughtMail[]> {
  const handle = await fs.promises.open(file, "r").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  if (!handle) return [];
  try {
    const { size } = await handle.stat();
    const start = Math.max(0, size - TAIL_BYTES);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    const lines = buffer.toString("utf8").split("\n");
    // Read from the middle of the file, the first line is a fragment.
    if (start > 0) lines.shift();
    return lines
      .filter(Boolean)
      .slice(-limit)
      .map((line) => JSON.parse(line) as CaughtMail);
  } finally {
    await handle.close();
  }
}

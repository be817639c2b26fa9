import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createTestDatabase } from "@solo/kit/dist/src/testing";
import { startMailCatcher } from "@solo/tools/dist/src/mail-catcher";
import { startTestObjectStore } from "./object-store";

/**
 * What platform processes started by a test need around them: a test database of their own
 * (copied from `template` when given), an object store and a mail catcher in a temporary folder.
 * Each one's cleanup goes onto `cleanups` as soon as it is up, so a failed start leaves nothing behind.
 */
export async function startBackingServices(name: string, cleanups: (() => Promise<void>)[], template?: string) {
  const database = await createTestDatabase(name, { template });
  cleanups.push(() => database.drop());
  const store = await startTestObjectStore();
  cleanups.push(() => store.close());
  const mailDir = fs.mkdtempSync(path.join(os.tmpdir(), "solo-mail-"));
  const mail = await startMailCatcher({ port: 0, mailboxPath: path.join(mailDir, "mailbox.jsonl") });
  cleanups.push(async () => {
    await mail.close();
    fs.rmSync(mailDir, { recursive: true, force: true });
  });
  return { database, store, mail };
}

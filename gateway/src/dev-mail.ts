import { readDevMailbox } from "@solo/kit";
import type { Express } from "express";

/**
 * GET /dev/mail (development only: never mounted in production): the mail the local catcher
 * received, as [{ to, subject, text, at }], oldest first, the newest 200. Account mails carry
 * their links' tokens (`token=…`), so sign-up, verification and password resets work offline.
 */
export function mountDevMailbox(app: Express, mailboxPath: string): void {
  app.get("/dev/mail", async (_req, res) => {
    res.setHeader("cache-control", "no-store");
    res.json(await readDevMailbox(mailboxPath));
  });
}

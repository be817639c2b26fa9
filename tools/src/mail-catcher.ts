import fs from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { CaughtMail } from "@solo/kit";
import { appendToDevMailbox } from "@solo/kit";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface MailCatcher {
  /** Where to send: smtp://127.0.0.1:<port> */
  smtpUrl: string;
  port: number;
  mailboxPath: string;
  close(): Promise<void>;
}

/**
 * A local SMTP server that accepts every mail and appends it to a JSON-lines mailbox (the gateway
 * serves it at GET /dev/mail): account mails work offline in development and tests. Loopback unless
 * told otherwise (docker-compose's private network), no TLS, no authentication: it is not a relay
 * and never sends anything on.
 */
export async function startMailCatcher(options: {
  port: number;
  mailboxPath: string;
  host?: string;
  /** Told of each mail once it is in the mailbox. */
  onMail?: (mail: CaughtMail) => void;
}): Promise<MailCatcher> {
  const host = options.host ?? "127.0.0.1";
  fs.mkdirSync(path.dirname(options.mailboxPath), { recursive: true });
  // One append at a time, stamped as it is written: the file is in the order mail was caught.
  let appending = Promise.resolve();
  const store = (mail: Omit<CaughtMail, "at">) =>
    (appending = appending.then(async () => {
      const caught = { ...mail, at: new Date().toISOString() };
      await appendToDevMailbox(options.mailboxPath, caught);
      options.onMail?.(caught);
    }));
  const server = new SMTPServer({
    disabledCommands: ["STARTTLS", "AUTH"],
    authOptional: true,
    logger: false,
    disableReverseLookup: true,
    // Senders keep pooled connections open: closing must not wait the default 30 s for them.
    closeTimeout: 500,
    size: 1024 * 1024,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) =>
          store({
            to: session.envelope.rcptTo.map((recipient) => recipient.address).join(", "),
            subject: parsed.subject ?? "",
            text: parsed.text ?? "",
          }),
        )
        .then(
          () => callback(),
          (error: Error) => callback(error),
        );
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    smtpUrl: `smtp://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`,
    port,
    mailboxPath: options.mailboxPath,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

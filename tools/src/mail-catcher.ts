import fs from "node:fs";
import path from "node:path";
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
 * serves it at GET /dev/mail): account mails work offline in development and tests. Loopback only,
 * no TLS, no authentication: it is not a relay and never sends anything on.
 */
export async function startMailCatcher(options: { port: number; mailboxPath: string }): Promise<MailCatcher> {
  fs.mkdirSync(path.dirname(options.mailboxPath), { recursive: true });
  const server = new SMTPServer({
    disabledCommands: ["STARTTLS", "AUTH"],
    authOptional: true,
    logger: false,
    disableReverseLookup: true,
    size: 1024 * 1024,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) =>
          appendToDevMailbox(options.mailboxPath, {
            to: session.envelope.rcptTo.map((recipient) => recipient.address).join(", "),
            subject: parsed.subject ?? "",
            text: parsed.text ?? "",
            at: new Date().toISOString(),
          }),
        )
        .then(() => callback(), (error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => resolve());
  });
  const port = (server.server.address() as import("node:net").AddressInfo).port;
  return {
    smtpUrl: `smtp://127.0.0.1:${port}`,
    port,
    mailboxPath: options.mailboxPath,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

import { randomUUID } from "node:crypto";
import { LockMode } from "@mikro-orm/core";
import type { EntityManager } from "@mikro-orm/postgresql";
import { Clock, Logger, Orm, startPeriodicJob } from "@solo/kit";
import nodemailer from "nodemailer";
import type { AccountSettings } from "../config";
import { MailOutboxEntry, TokenPurpose, User } from "../entities";
import { accountMailText } from "./account-mail-text";
import { recordAccountToken, tokensSentSince } from "./account-tokens";
import { newOpaqueSecret } from "./tokens";

/** Mails of one purpose an account is sent per hour, at most: nobody can flood an inbox with them. */
export const MAILS_PER_HOUR = 3;
const HOUR_MS = 3_600_000;
/** A mail still undelivered after a day is dropped: its purpose has passed. */
const GIVE_UP_AFTER_MS = 24 * HOUR_MS;
/** Retry after 30 s, then twice as long each time, at most every 30 minutes. */
const retryDelayMs = (attempts: number) => Math.min(30_000 * 2 ** (attempts - 1), 30 * 60_000);

/**
 * Queues a mail in the caller's unit of work, so it is committed with the change that calls for it
 * (a registration). The caller's address is new, so no pending row can collide with it.
 */
export function queueAccountMail(em: EntityManager, purpose: TokenPurpose, recipient: string, now: Date): void {
  em.create(MailOutboxEntry, { purpose, recipient, createdAt: now, nextAttemptAt: now });
}

/** Queues a mail unless one for the same address and purpose is already waiting: asking twice sends once. */
export async function queueAccountMailOnce(em: EntityManager, purpose: TokenPurpose, recipient: string, now: Date): Promise<void> {
  await em
    .createQueryBuilder(MailOutboxEntry)
    .insert({ id: randomUUID(), purpose, recipient, createdAt: now, nextAttemptAt: now, attempts: 0 })
    .onConflict(["purpose", "recipient"])
    .ignore()
    .execute();
}

export interface AccountMailer {
  /** Deliver what was just committed without waiting for the next tick (the outbox makes it safe to miss). */
  deliverSoon(): void;
  /** One delivery run, until nothing is due or the server fails (tests, and the first tick). */
  deliverNow(): Promise<void>;
  stop(): Promise<void>;
}

type Outcome = "sent" | "dropped" | "failed";

/**
 * Delivers the outbox through SMTP (nodemailer). Each mail is claimed in a transaction of its own
 * with FOR UPDATE SKIP LOCKED, so two replicas never send the same one; its token is minted, the
 * mail sent, and the row removed in that transaction. A failed send is retried with backoff.
 */
export function startMailDelivery(options: { orm: Orm; settings: AccountSettings; clock: Clock; logger: Logger }): AccountMailer {
  const { orm, settings, clock, logger } = options;
  const transport = settings.smtpUrl
    ? nodemailer.createTransport({ url: settings.smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 })
    : undefined;
  if (!transport) logger.warn("SMTP_URL is not set: account mails wait in users.mail_outbox until it is");

  async function deliverOne(): Promise<Outcome | undefined> {
    return orm.em.fork().transactional(async (em) => {
      const now = clock.now();
      const [entry] = await em.find(
        MailOutboxEntry,
        { nextAttemptAt: { $lte: now } },
        { orderBy: { nextAttemptAt: "asc", id: "asc" }, limit: 1, lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE },
      );
      if (!entry) return undefined;
      const user = await em.findOne(User, { emailNormalized: entry.recipient });
      const reason = await dropReason(em, entry, user, now);
      if (reason || !user) {
        const details = { mailId: entry.id, purpose: entry.purpose, reason };
        if (reason === "expired") logger.error({ ...details, lastError: entry.lastError }, "gave up on an account mail");
        else logger.info(details, "account mail not sent");
        em.remove(entry);
        return "dropped";
      }
      const secret = newOpaqueSecret();
      const { subject, text } = accountMailText(entry.purpose, user, secret, settings.publicAppUrl);
      try {
        await transport!.sendMail({ from: settings.mailFrom, to: user.email, subject, text });
      } catch (error) {
        entry.attempts += 1;
        entry.nextAttemptAt = new Date(now.getTime() + retryDelayMs(entry.attempts));
        entry.lastError = String((error as Error).message ?? error).slice(0, 500);
        logger.warn({ mailId: entry.id, attempts: entry.attempts, err: error }, "could not send an account mail; will retry");
        return "failed";
      }
      recordAccountToken(em, user, entry.purpose, secret, now);
      em.remove(entry);
      return "sent";
    });
  }

  // Set by deliverSoon during a run: the run goes round once more, so a commit that lands just as
  // the run finds nothing left still goes out now rather than at the next tick.
  let again = false;
  const job = startPeriodicJob({
    name: "deliver-account-mail",
    intervalMs: settings.mailDeliveryIntervalMs,
    logger,
    run: async () => {
      if (!transport) return 0;
      let sent = 0;
      do {
        again = false;
        for (let outcome = await deliverOne(); outcome && outcome !== "failed"; outcome = await deliverOne()) {
          if (outcome === "sent") sent += 1;
        }
      } while (again);
      return sent;
    },
  });
  return {
    deliverSoon() {
      again = true;
      void job.runNow();
    },
    deliverNow: job.runNow,
    async stop() {
      await job.stop();
      transport?.close();
    },
  };
}

/** Why a queued mail should not go out (any more), or undefined when it should. */
async function dropReason(em: EntityManager, entry: MailOutboxEntry, user: User | null, now: Date) {
  if (now.getTime() - entry.createdAt.getTime() > GIVE_UP_AFTER_MS) return "expired";
  // A reset asked for an address with no account: nothing is sent, and the asker was told the same as anyone.
  if (!user) return "no account";
  if (entry.purpose === TokenPurpose.VERIFY_EMAIL && user.emailVerifiedAt) return "already verified";
  const recent = await tokensSentSince(em, user, entry.purpose, new Date(now.getTime() - HOUR_MS));
  if (recent.length >= MAILS_PER_HOUR) return "throttled";
  return undefined;
}

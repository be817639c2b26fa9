import { randomUUID } from "node:crypto";
import { LockMode } from "@mikro-orm/core";
import type { EntityManager } from "@mikro-orm/postgresql";
import type { Clock, Logger, Orm } from "@solo/kit";
import nodemailer from "nodemailer";
import type { AccountSettings } from "../config";
import { AccountToken, MailOutboxEntry, TokenPurpose, User } from "../entities";
import { accountMailText } from "./account-mail-text";
import { recordAccountToken, tokensSentSince } from "./account-tokens";
import { newOpaqueSecret } from "./tokens";

/** Mails of one purpose an account is sent per hour, at most: nobody can flood an inbox with them. */
export const MAILS_PER_HOUR = 3;
const HOUR_MS = 3_600_000;
/** A mail still undelivered after a day is dropped: its purpose has passed. */
const GIVE_UP_AFTER_MS = 24 * HOUR_MS;
/**
 * How long a claimed mail is left to its sender before another run may take it: longer than any
 * send can last (the transport's timeouts), so a crash mid-send means one resend, not a lost mail.
 */
const SEND_LEASE_MS = 2 * 60_000;
/** Retry after 30 s, then twice as long each time, at most every 30 minutes. */
const retryDelayMs = (attempts: number) => Math.min(30_000 * 2 ** (attempts - 1), 30 * 60_000);

/**
 * Queues a mail in the caller's unit of work, so it is committed with the change that calls for it
 * (a registration). The caller's address is new, so no pending row can collide with it.
 */
export function queueAccountMail(em: EntityManager, purpose: TokenPurpose, recipient: string, now: Date): void {
  em.create(MailOutboxEntry, { purpose, recipient, createdAt: now, nextAttemptAt: now });
}

/**
 * Queues a mail unless one for the same address and purpose is already waiting: asking twice sends
 * once. An upsert, so the kit sees the row and wakes delivery after the commit; on a conflict it
 * rewrites the waiting row's recipient with itself, changing nothing, in the same one statement
 * (an upsert that ignores conflicts reads the row back afterwards, and delivery may have sent and
 * removed it by then).
 */
export async function queueAccountMailOnce(em: EntityManager, purpose: TokenPurpose, recipient: string, now: Date): Promise<void> {
  await em.upsert(
    MailOutboxEntry,
    { id: randomUUID(), purpose, recipient, createdAt: now, nextAttemptAt: now, attempts: 0 },
    { onConflictFields: ["purpose", "recipient"], onConflictAction: "merge", onConflictMergeFields: ["recipient"] },
  );
}

export interface MailDelivery {
  /** Sends what is due, one mail at a time, until nothing is or the server fails; the number sent. */
  deliverDue(): Promise<number>;
  close(): void;
}

type Outcome = "sent" | "dropped" | "failed";

interface Claim {
  entryId: string;
  tokenId: string;
  attempts: number;
  to: string;
  subject: string;
  text: string;
}

/**
 * Delivers the outbox through SMTP (nodemailer), one mail at a time: claimed with its token minted
 * (see `claim`), sent, then removed. A failed send is retried with backoff; a mail is sent once
 * unless its sender dies between the send and the removal (then once more, after the lease). The
 * subgraph's "deliver-account-mail" job runs it on its interval and after each commit that queued
 * a mail.
 */
export function createMailDelivery(options: { orm: Orm; settings: AccountSettings; clock: Clock; logger: Logger }): MailDelivery {
  const { orm, settings, clock, logger } = options;
  const transport = settings.smtpUrl
    ? nodemailer.createTransport({
        url: settings.smtpUrl,
        // A few kept-open connections: a burst of mails does not pay for a handshake each.
        pool: true,
        maxConnections: 2,
        idleTimeout: 30_000,
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 30_000,
      })
    : undefined;
  if (!transport) logger.warn("SMTP_URL is not set: account mails wait in users.mail_outbox until it is");

  /**
   * Claims the oldest due mail (FOR UPDATE SKIP LOCKED: replicas never claim the same row) and, in
   * the same transaction, stores its token and leases the row for the length of a send. The token
   * is committed before the mail leaves, so its link works the moment it arrives; no transaction
   * stays open while the SMTP server answers.
   */
  async function claim(): Promise<Claim | "dropped" | undefined> {
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
      const token = recordAccountToken(em, user, entry.purpose, secret, now);
      entry.attempts += 1;
      entry.nextAttemptAt = new Date(now.getTime() + SEND_LEASE_MS);
      return { entryId: entry.id, tokenId: token.id, attempts: entry.attempts, to: user.email, ...accountMailText(entry.purpose, user, secret, settings.publicAppUrl) };
    });
  }

  async function deliverOne(): Promise<Outcome | undefined> {
    const claimed = await claim();
    if (claimed === undefined || claimed === "dropped") return claimed;
    const em = orm.em.fork();
    try {
      await transport!.sendMail({ from: settings.mailFrom, to: claimed.to, subject: claimed.subject, text: claimed.text });
    } catch (error) {
      // Never delivered, so its token is no use to anyone; the row waits for its next attempt.
      await em.nativeDelete(AccountToken, { id: claimed.tokenId });
      const lastError = String((error as Error).message ?? error).slice(0, 500);
      await em.nativeUpdate(MailOutboxEntry, { id: claimed.entryId }, { nextAttemptAt: new Date(clock.now().getTime() + retryDelayMs(claimed.attempts)), lastError });
      logger.warn({ mailId: claimed.entryId, attempts: claimed.attempts, err: error }, "could not send an account mail; will retry");
      return "failed";
    }
    await em.nativeDelete(MailOutboxEntry, { id: claimed.entryId });
    return "sent";
  }

  return {
    async deliverDue() {
      if (!transport) return 0;
      let sent = 0;
      for (let outcome = await deliverOne(); outcome && outcome !== "failed"; outcome = await deliverOne()) {
        if (outcome === "sent") sent += 1;
      }
      return sent;
    },
    close() {
      transport?.close();
    },
  };
}

/**
 * Removes what the outbox still holds a day after it was asked for, run by the housekeeping job
 * whether or not SMTP_URL is set: without it nothing is ever claimed, and reset requests for
 * made-up addresses would otherwise pile up for good. Delivery gives such mail up too, when it
 * comes to it first.
 */
export async function forgetUnsentMail(em: EntityManager, now: Date, logger: Logger): Promise<number> {
  const expired = await em.find(MailOutboxEntry, { createdAt: { $lt: new Date(now.getTime() - GIVE_UP_AFTER_MS) } });
  for (const entry of expired) {
    const details = { mailId: entry.id, purpose: entry.purpose, reason: "expired" };
    // Sends that failed for a day are an operator's business; mail nobody could send (no SMTP_URL) is not news.
    if (entry.attempts) logger.error({ ...details, attempts: entry.attempts, lastError: entry.lastError }, "gave up on an account mail");
    else logger.info(details, "account mail not sent");
  }
  return expired.length ? em.nativeDelete(MailOutboxEntry, { id: { $in: expired.map((entry) => entry.id) } }) : 0;
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

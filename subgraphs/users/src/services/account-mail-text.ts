import type { User } from "../entities";
import { TokenPurpose } from "../entities";
import { TOKEN_TTL_MS } from "./account-tokens";

export interface MailText {
  subject: string;
  text: string;
}

/** The web app's pages that read `token` from the link and call verifyEmail / resetPassword. */
const PAGE: Record<TokenPurpose, string> = {
  [TokenPurpose.VERIFY_EMAIL]: "verify-email",
  [TokenPurpose.RESET_PASSWORD]: "reset-password",
};

const lifetime = (ms: number) => (ms >= 3_600_000 ? `${ms / 3_600_000} hours` : `${ms / 60_000} minutes`);

/**
 * Plain text only: the link is the one thing in it that matters, and it must survive any client.
 * Nothing the registrant typed goes in (not even the display name): whoever signs up with someone
 * else's address must not be able to write to them through us.
 */
export function accountMailText(purpose: TokenPurpose, user: User, secret: string, publicAppUrl: string): MailText {
  const link = `${publicAppUrl}/${PAGE[purpose]}?token=${secret}`;
  const within = lifetime(TOKEN_TTL_MS[purpose]);
  if (purpose === TokenPurpose.VERIFY_EMAIL) {
    return {
      subject: "Confirm your email address for SOLO",
      text: [
        "Hello,",
        "",
        `Confirm that ${user.email} is your address by opening this link within ${within}:`,
        "",
        link,
        "",
        "If you did not create a SOLO account, ignore this mail.",
      ].join("\n"),
    };
  }
  return {
    subject: "Reset your SOLO password",
    text: [
      "Hello,",
      "",
      `Someone asked to reset the password of the SOLO account for ${user.email}. To choose a new one, open this link within ${within}:`,
      "",
      link,
      "",
      "It works once, and signs every device out of the account. If you did not ask for it, ignore this mail: your password stays as it is.",
    ].join("\n"),
  };
}

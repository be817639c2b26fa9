import type { Clock, Peers, SubgraphRuntime } from "@solo/kit";
import type { AccountSettings } from "../config";
import { CredentialChanges } from "./credential-changes";
import type { MailDelivery } from "./mail-delivery";
import { createMailDelivery } from "./mail-delivery";
import type { PasswordHasher } from "./passwords";
import { createPasswordHasher } from "./passwords";

/** What one users process holds for its resolvers and jobs (each resolver class is given it once). */
export interface UsersServices {
  settings: AccountSettings;
  /** What token expiry, login windows and mail retries read the time from. */
  clock: Clock;
  /** The content subgraph is asked whether an upload may become an avatar. */
  peers: Peers;
  mail: MailDelivery;
  passwords: PasswordHasher;
  /** Ended sessions, changed roles and revoked keys, said to the gateways once committed. */
  credentials: CredentialChanges;
}

export function createUsersServices(runtime: SubgraphRuntime<AccountSettings>): UsersServices {
  const { orm, settings, clock, logger } = runtime;
  const mail = createMailDelivery({ orm, settings, clock, logger });
  runtime.onClose(() => mail.close());
  return {
    settings,
    clock,
    peers: runtime.peers,
    mail,
    passwords: createPasswordHasher(settings.passwordHashCost),
    credentials: new CredentialChanges(runtime.announce),
  };
}

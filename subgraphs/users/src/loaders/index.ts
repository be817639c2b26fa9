import type { EntityManager } from "@mikro-orm/postgresql";
import { Clock, SubgraphContext, loaderById, subgraphUrl } from "@solo/kit";
import DataLoader from "dataloader";
import type { AccountSettings } from "../config";
import { ApiKey, User } from "../entities";
import type { AccountMailer } from "../services/mail-delivery";

/** Per request: loaders, and where the other subgraphs this one calls are. */
export function createLoaders(em: EntityManager, peers: UsersPeers = {}) {
  return {
    contentUrl: peers.contentUrl?.() ?? subgraphUrl("content"),
    userById: loaderById((ids) => em.find(User, { id: { $in: [...ids] } })),
    apiKeysByOwner: new DataLoader<string, ApiKey[]>(async (ownerIds) => {
      const keys = await em.find(
        ApiKey,
        { owner: { $in: [...ownerIds] } },
        { orderBy: { createdAt: "asc", id: "asc" } },
      );
      return ownerIds.map((ownerId) => keys.filter((key) => key.owner.id === ownerId));
    }),
  };
}

export interface UsersPeers {
  /** The content subgraph (avatars); SUBGRAPH_URL_CONTENT when not given. */
  contentUrl?: () => string | undefined;
}

/** What sign-in, verification and reset need beyond the database: settings, time and the mail outbox. */
export interface AccountServices {
  settings: AccountSettings;
  clock: Clock;
  mailer: AccountMailer;
}

export type UsersLoaders = ReturnType<typeof createLoaders> & { accounts: AccountServices };
export type UsersContext = SubgraphContext<UsersLoaders>;

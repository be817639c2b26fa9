import type { EntityManager } from "@mikro-orm/postgresql";
import { loaderById } from "@solo/kit";
import DataLoader from "dataloader";
import { ApiKey, User } from "../entities";

/** Per request: every list or reference in a response costs one query per kind, not per item. */
export function createLoaders(em: EntityManager) {
  return {
    userById: loaderById((ids) => em.find(User, { id: { $in: [...ids] } })),
    apiKeyById: loaderById((ids) => em.find(ApiKey, { id: { $in: [...ids] } })),
    apiKeysByOwner: new DataLoader<string, ApiKey[]>(async (ownerIds) => {
      const keys = await em.find(ApiKey, { owner: { $in: [...ownerIds] } }, { orderBy: { createdAt: "asc", id: "asc" } });
      return ownerIds.map((ownerId) => keys.filter((key) => key.owner.id === ownerId));
    }),
  };
}

export type UsersLoaders = ReturnType<typeof createLoaders>;

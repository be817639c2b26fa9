import type { EntityManager } from "@mikro-orm/postgresql";
import type { SubgraphContext } from "@solo/kit";
import { loaderById } from "@solo/kit";
import { ScheduledPost, SocialAccount, SocialPost } from "./entities";

/** Per request: every list or reference in a response costs one query per kind, not per item. */
export function createLoaders(em: EntityManager) {
  return {
    accountById: loaderById((ids) => em.find(SocialAccount, { id: { $in: [...ids] } })),
    postById: loaderById((ids) => em.find(SocialPost, { id: { $in: [...ids] } })),
    scheduledPostById: loaderById((ids) => em.find(ScheduledPost, { id: { $in: [...ids] } })),
  };
}

/** What every social resolver receives per request (the kit's context, with these loaders). */
export type SocialContext = SubgraphContext<ReturnType<typeof createLoaders>>;

import path from "node:path";
import { defineSubgraph } from "@solo/kit";
import { socialSettingsFromEnv } from "./config";
import { socialDemo } from "./demo";
import { Course, MediaAsset, User, entities } from "./entities";
import { createLoaders } from "./loaders";
import { referenceResolvers, resolvers } from "./resolvers";
import { publisherWorker } from "./publisher/worker";
import { createSocialServices } from "./services";
import { LIVE_TOPICS } from "./services/events";
import { resealStaleTokens } from "./services/token-rotation";

/** Connected social accounts, post metrics and engagement analytics, scheduled publishing. */
export default defineSubgraph({
  name: "social",
  schema: "social",
  entities,
  migrations: path.join(__dirname, "..", "migrations"),
  resolvers,
  orphanedTypes: [User, Course, MediaAsset],
  referenceResolvers,
  settings: socialSettingsFromEnv,
  services: createSocialServices,
  loaders: createLoaders,
  workers: [publisherWorker],
  liveTopics: LIVE_TOPICS,
  jobs: [
    // Key rotation: tokens sealed under an older key of SOCIAL_TOKEN_KEYS move to the current one.
    { name: "reseal-platform-tokens", every: () => 3_600_000, runAtStart: true, run: ({ tokens }, { orm }) => resealStaleTokens(orm.em.fork(), tokens) },
  ],
  auditOutbox: { deliverTo: "users" },
  demo: socialDemo,
});

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
  auditOutbox: { deliverTo: "users" },
  demo: socialDemo,
});

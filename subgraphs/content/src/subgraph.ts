import path from "node:path";
import { defineSubgraph } from "@solo/kit";
import { contentSettingsFromEnv } from "./config";
import { contentDemo } from "./demo";
import { Course, Flashcard, FlashcardDeck, Lesson, MediaAsset, ReadingMaterial, User, entities } from "./entities";
import { internalRoutes } from "./internal-routes";
import { createLoaders } from "./loaders";
import { referenceResolvers, resolvers } from "./resolvers";
import { assetTag } from "./resolvers/cache-tags";
import { createContentServices } from "./services";
import { sweepStaleUploads } from "./services/uploads";

/** Courses, lessons, reading materials, flashcards, and media uploaded straight to object storage. */
export default defineSubgraph({
  name: "content",
  schema: "content",
  entities,
  migrations: path.join(__dirname, "..", "migrations"),
  resolvers,
  orphanedTypes: [User, Course, Lesson, ReadingMaterial, FlashcardDeck, Flashcard, MediaAsset],
  referenceResolvers,
  settings: contentSettingsFromEnv,
  services: createContentServices,
  loaders: createLoaders,
  internalRoutes,
  jobs: [
    {
      name: "sweep-stale-uploads",
      every: (settings) => settings.uploadSweepIntervalMs,
      run: async ({ storage, settings }, runtime) => {
        const { removed } = await sweepStaleUploads(runtime.orm, storage, settings.pendingUploadMaxAgeMs);
        // After the commit: an owner's cached answer about an upload that is gone goes too.
        await runtime.changed(...removed.map(assetTag));
      },
    },
  ],
  auditOutbox: { deliverTo: "users" },
  announcesChanges: true,
  ready: [({ storage }) => storage.check()],
  demo: contentDemo,
});

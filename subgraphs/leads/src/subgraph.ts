import path from "node:path";
import { defineSubgraph } from "@solo/kit";
import { leadsSettingsFromEnv } from "./config";
import { leadsDemo } from "./demo";
import { LeadExport, User, entities } from "./entities";
import { runDueExports } from "./exports/run-exports";
import { createLoaders } from "./loaders";
import { referenceResolvers, resolvers } from "./resolvers";
import { createLeadsServices } from "./services";
import { LIVE_TOPICS } from "./services/events";

/** Leads, weighted scoring, CSV import and export, campaigns and their funnels. */
export default defineSubgraph({
  name: "leads",
  schema: "leads",
  entities,
  migrations: path.join(__dirname, "..", "migrations"),
  resolvers,
  orphanedTypes: [User],
  referenceResolvers,
  settings: leadsSettingsFromEnv,
  services: createLeadsServices,
  loaders: createLoaders,
  jobs: [
    {
      name: "make-lead-exports",
      every: (settings) => settings.exportIntervalMs,
      runAtStart: true,
      wokenBy: [LeadExport],
      run: (services, runtime) => runDueExports(services, runtime),
    },
  ],
  liveTopics: LIVE_TOPICS,
  auditOutbox: { deliverTo: "users" },
  demo: leadsDemo,
  ready: [({ storage }) => storage.check()],
});

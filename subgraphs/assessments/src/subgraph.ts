import path from "node:path";
import { defineSubgraph } from "@solo/kit";
import { assessmentsSettingsFromEnv } from "./config";
import { assessmentsDemo } from "./demo";
import { Attempt, Course, Flashcard, Lesson, MockTest, StudySession, User, entities } from "./entities";
import { createLoaders } from "./loaders";
import { referenceResolvers, resolvers } from "./resolvers";
import { createAssessmentsServices } from "./services";
import { LIVE_TOPICS } from "./services/events";
import { endIdleSessions } from "./services/idle-sessions";

/** Mock tests, scoring, rank prediction, study sessions, course progress and flashcard review. */
export default defineSubgraph({
  name: "assessments",
  schema: "assessments",
  entities,
  migrations: path.join(__dirname, "..", "migrations"),
  resolvers,
  orphanedTypes: [User, Course, Lesson, Flashcard, MockTest, Attempt, StudySession],
  referenceResolvers,
  settings: assessmentsSettingsFromEnv,
  services: createAssessmentsServices,
  loaders: createLoaders,
  jobs: [
    {
      name: "end-idle-study-sessions",
      every: (settings) => settings.idleSweepIntervalMs,
      run: ({ clock, settings, events }, { orm }) => endIdleSessions(orm.em.fork(), clock.now(), settings.idleSessionMs, events),
    },
  ],
  liveTopics: LIVE_TOPICS,
  auditOutbox: { deliverTo: "users" },
  demo: assessmentsDemo,
});

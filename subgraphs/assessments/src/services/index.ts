import type { Clock, SubgraphRuntime } from "@solo/kit";
import type { AssessmentsSettings } from "../config";
import { ContentClient } from "./content-client";
import { AssessmentEvents } from "./events";

/** What one assessments process holds for its resolvers and jobs (each resolver class is given it once). */
export interface AssessmentsServices {
  settings: AssessmentsSettings;
  /** Deadlines, progress and idle sessions read this clock. */
  clock: Clock;
  events: AssessmentEvents;
  content: ContentClient;
}

export function createAssessmentsServices(runtime: SubgraphRuntime<AssessmentsSettings>): AssessmentsServices {
  return { settings: runtime.settings, clock: runtime.clock, events: new AssessmentEvents(runtime.live), content: new ContentClient(runtime.peers, runtime.logger) };
}

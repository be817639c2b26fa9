import type { Clock, ObjectStorage, Peers, SubgraphRuntime } from "@solo/kit";
import type { LeadsSettings } from "../config";
import { LeadEvents } from "./events";

/** What one leads process holds for its resolvers and jobs (each resolver class is given it once). */
export interface LeadsServices {
  settings: LeadsSettings;
  clock: Clock;
  events: LeadEvents;
  storage: ObjectStorage;
  peers: Peers;
  logger: SubgraphRuntime<LeadsSettings>["logger"];
}

export function createLeadsServices(runtime: SubgraphRuntime<LeadsSettings>): LeadsServices {
  return {
    settings: runtime.settings,
    clock: runtime.clock,
    events: new LeadEvents(runtime.live),
    storage: runtime.openStorage(),
    peers: runtime.peers,
    logger: runtime.logger,
  };
}

import type { ObjectStorage, SubgraphRuntime } from "@solo/kit";
import type { ContentSettings } from "../config";

/** What one content process holds for its resolvers and jobs (each resolver class is given it once). */
export interface ContentServices {
  settings: ContentSettings;
  /** Where uploads go: clients PUT and GET through URLs signed here. */
  storage: ObjectStorage;
}

export function createContentServices(runtime: SubgraphRuntime<ContentSettings>): ContentServices {
  return { settings: runtime.settings, storage: runtime.openStorage() };
}

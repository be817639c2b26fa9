import type { SubgraphRuntime } from "@solo/kit";
import type { LeadsSettings } from "../config";
import type { LeadsServices } from "../services";

/** PLACEHOLDER (being built on branch leads-export): claims due exports and writes their files. */
export function runDueExports(_services: LeadsServices, _runtime: SubgraphRuntime<LeadsSettings>): Promise<number> {
  return Promise.resolve(0);
}

/*
 * @solo/registry: the registry service (startRegistry) and the pure helpers its callers share,
 * the gateway (usage coordinates, trusted documents), the CLI and npm start (the HTTP client).
 */
export * from "./api-types";
export * from "./client";
export * from "./config";
export * from "./coordinates";
export * from "./errors";
export * from "./manifest";
export * from "./split-operations";
export { LAUNCH_EVENT, VARIANT_EVENT, startRegistry, type RunningRegistry } from "./app";
export { GRAPH_REF } from "./uplink";
export { migrate as migrateRegistry } from "./migrations";

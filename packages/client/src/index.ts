export type { Document, SoloClient, SoloClientOptions } from "./client";
export { createSoloClient } from "./client";
export type { ApiError } from "./errors";
export { SoloRequestError, SoloUploadError } from "./errors";
export type { LiveOptions, Sink } from "./live";
export type { Tokens } from "./tokens";
export type { UploadOptions, UploadProgress } from "./upload";
// Every contract operation as a typed document (`LoginDocument`, `CourseCatalogDocument`, …) with its result and variables types.
export * from "./generated/graphql";

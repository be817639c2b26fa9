import type { TestObjectStore } from "@solo/e2e/dist/src/object-store";

/** What the benchmarks' platform processes share: the run's own database and object store, and no rate limit in the way. */
export function benchPlatformEnv(databaseUrl: string, store: TestObjectStore): NodeJS.ProcessEnv {
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL ?? "",
    S3_ENDPOINT: store.config.endpoint,
    S3_BUCKET: store.config.bucket,
    S3_ACCESS_KEY_ID: store.config.accessKeyId,
    S3_SECRET_ACCESS_KEY: store.config.secretAccessKey,
    // A benchmark is one client sending as fast as it can: the gateway's limits would time it instead.
    RATE_LIMIT_ANONYMOUS: "1000000",
    RATE_LIMIT_USER: "1000000",
  };
}

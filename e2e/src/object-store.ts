import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { StorageConfig } from "@solo/kit";
import { ObjectStorage } from "@solo/kit";
import { createLocalObjectStore } from "@solo/tools/dist/src/local-object-store";

/**
 * The object store tests upload to: S3_ENDPOINT's when set (with a bucket of the test's own),
 * else a real s3rver on a loopback port with its files in a temporary folder.
 */
export interface TestObjectStore {
  config: StorageConfig;
  /** Objects written (PUT or copied) to each key so far; s3rver reports them, another store does not (undefined). */
  writes?: Map<string, number>;
  close(): Promise<void>;
}

export async function startTestObjectStore(): Promise<TestObjectStore> {
  const bucket = `test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  if (process.env.S3_ENDPOINT) {
    const config: StorageConfig = {
      endpoint: process.env.S3_ENDPOINT,
      region: process.env.S3_REGION ?? "auto",
      bucket,
      accessKeyId: process.env.S3_ACCESS_KEY_ID ?? "",
      secretAccessKey: process.env.S3_SECRET_ACCESS_KEY ?? "",
    };
    await new ObjectStorage(config).ensureBucket();
    return { config, close: async () => undefined };
  }
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "solo-s3-"));
  const server = createLocalObjectStore({ address: "127.0.0.1", port: 0, directory });
  const writes = new Map<string, number>();
  server.on("event", (event) => {
    for (const record of event.Records) {
      if (record.eventName.startsWith("ObjectCreated:")) writes.set(record.s3.object.key, (writes.get(record.s3.object.key) ?? 0) + 1);
    }
  });
  const { port } = await server.run();
  const config: StorageConfig = {
    endpoint: `http://127.0.0.1:${port}`,
    region: "auto",
    bucket,
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
  };
  await new ObjectStorage(config).ensureBucket();
  return {
    config,
    writes,
    async close() {
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

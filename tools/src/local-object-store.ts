import fs from "node:fs";

/** What of s3rver (it ships no types) the platform uses. */
export interface LocalObjectStore {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
  on(event: "event", listener: (event: { Records: { eventName: string; s3: { object: { key: string } } }[] }) => void): void;
}

interface FilesystemStore {
  getResourcePath(bucket: string, key: string, resource: string): string;
  deleteObject(bucket: string, key: string): Promise<void>;
}

/** The files s3rver keeps for one object (its bytes, their MD5, its metadata). */
const OBJECT_FILES = ["object", "object.md5", "metadata.json"];

/**
 * s3rver, the S3 API over a folder, for `npm start` and the tests. Its delete removes the object's
 * folders once they are empty, which races with a PUT into the same folder (a new avatar written
 * while the last one's staging object is removed): the PUT has made the folder and is about to open
 * its file when the folder goes, and the ENOENT escapes as an uncaught exception (a 500, or a dead
 * local-services process). Here a delete removes the object's files only: empty folders stay, as
 * harmless as S3's own prefixes, which never need removing.
 */
export function createLocalObjectStore(options: { address: string; port: number; directory: string }): LocalObjectStore {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- s3rver ships no types (an import would need a declaration file)
  const S3rver = require("s3rver") as new (options: Record<string, unknown>) => LocalObjectStore & { store: FilesystemStore };
  const server = new S3rver({ ...options, silent: true });
  const store = server.store;
  store.deleteObject = async (bucket, key) => {
    await Promise.all(
      OBJECT_FILES.map((resource) =>
        fs.promises.unlink(store.getResourcePath(bucket, key, resource)).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== "ENOENT") throw error;
        }),
      ),
    );
  };
  return server;
}

import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream } from "node:stream/web";
import { UploadPurpose, assetDownloadRoute } from "@solo/content/internal-api";
import type { Logger, Peers } from "@solo/kit";
import { apiError, badInput, callInternal, isUuid } from "@solo/kit";
import { CsvError, parse } from "csv-parse";
import { GraphQLError } from "graphql";

/** The longest record read (characters): an unclosed quote fails here instead of gathering the rest of the file. */
const MAX_RECORD_CHARS = 100_000;

/** How long one read of the file may take, start to end (50 MB at worst). */
const READ_TIMEOUT_MS = 300_000;

const notAnUpload = () => badInput("assetId must name a completed LEAD_IMPORT upload of yours", "assetId");
const contentUnavailable = () => apiError("SERVICE_UNAVAILABLE", "The upload cannot be read right now");

/** A short-lived signed GET of the owner's completed LEAD_IMPORT upload, from content. */
export async function importFileUrl(peers: Peers, logger: Logger, ownerId: string, assetId: string): Promise<string> {
  if (!isUuid(assetId)) throw notAnUpload();
  const contentUrl = peers.url("content");
  if (!contentUrl) throw contentUnavailable();
  const answer = await callInternal(assetDownloadRoute, contentUrl, { assetId, ownerId, purpose: UploadPurpose.LEAD_IMPORT }, { caller: "leads" }).catch(
    (error: unknown) => {
      // The client hears only that the file cannot be read; the log says why.
      logger.warn({ err: error }, "asking content for an import file failed");
      throw contentUnavailable();
    },
  );
  // 404: someone else's, another purpose, not READY, or no such upload: all look alike to the caller.
  if (answer.status !== 200) throw notAnUpload();
  return answer.body.url;
}

/** The response body as UTF-8 text, chunk by chunk; a byte sequence that is not UTF-8 fails (a leading BOM is dropped). */
async function* utf8Text(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  try {
    for await (const chunk of body) {
      const text = decoder.decode(chunk, { stream: true });
      if (text) yield text;
    }
    const rest = decoder.decode();
    if (rest) yield rest;
  } catch (error) {
    if (error instanceof TypeError && (error as NodeJS.ErrnoException).code === "ERR_ENCODING_INVALID_ENCODED_DATA")
      throw badInput("The file is not UTF-8 text", "assetId");
    throw error;
  }
}

/**
 * Reads the CSV at `url` as it arrives, never holding the file: `onRecord` gets each record with
 * its row number (the header is row 0; empty lines are not rows) and, when it returns a promise, is
 * awaited before the next is parsed. Text that is not UTF-8 or not CSV (an unclosed quote, a record over 100,000 characters) is
 * BAD_USER_INPUT; a store that cannot be read is SERVICE_UNAVAILABLE.
 */
export async function forEachCsvRecord(url: string, logger: Logger, onRecord: (record: string[], row: number) => Promise<void> | undefined): Promise<void> {
  const signal = AbortSignal.timeout(READ_TIMEOUT_MS);
  const response = await fetch(url, { signal }).catch((error: unknown) => {
    logger.warn({ err: error }, "fetching an import file failed");
    throw contentUnavailable();
  });
  if (!response.ok || !response.body) {
    logger.warn({ status: response.status }, "the object store refused an import file");
    throw contentUnavailable();
  }
  const parser = parse({ relax_column_count: true, skip_empty_lines: true, max_record_size: MAX_RECORD_CHARS });
  let row = 0;
  // What onRecord threw goes on as it is; what reading threw says what was wrong with the file.
  let recordFailure: { error: unknown } | undefined;
  // A callback sink, not `for await`: a record that onRecord takes synchronously costs no promise
  // (hundreds of thousands of short-lived promises are garbage too).
  const sink = new Writable({
    objectMode: true,
    write(record: string[], _encoding, done) {
      const fail = (error: unknown) => {
        recordFailure = { error };
        done(error as Error);
      };
      try {
        const pending = onRecord(record, row++);
        if (pending) pending.then(() => done(), fail);
        else done();
      } catch (error) {
        fail(error);
      }
    },
  });
  try {
    await pipeline(Readable.from(utf8Text(response.body as ReadableStream<Uint8Array>)), parser, sink);
  } catch (error) {
    if (recordFailure) throw recordFailure.error;
    if (error instanceof GraphQLError) throw error;
    if (error instanceof CsvError) throw badInput(`The file is not valid CSV: ${error.message.slice(0, 200)}`, "assetId");
    logger.warn({ err: error }, "reading an import file failed");
    throw contentUnavailable();
  }
}

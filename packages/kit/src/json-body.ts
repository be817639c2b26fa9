import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import zlib from "node:zlib";
import type { GraphQLError } from "graphql";
import { requestError } from "./errors";

const decompressors: Record<string, (() => Readable & NodeJS.WritableStream) | undefined> = {
  identity: undefined,
  gzip: () => zlib.createGunzip(),
  deflate: () => zlib.createInflate(),
  br: () => zlib.createBrotliDecompress(),
};

/** The outcome of reading a body: its value (undefined when it is not JSON), a refusal, or nothing when the client left. */
export type BodyRead = { body: unknown } | { refusal: GraphQLError } | null;

/**
 * A request's JSON body, as express.json reads one: only `application/json` (anything else leaves
 * the body undefined, for GraphQL to refuse), UTF-8, compressed or not, at most `maxBytes` once
 * inflated (413 beyond), an object or array at the top (strict), empty as `{}`.
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<BodyRead> {
  const [mediaType, ...parameters] = (req.headers["content-type"] ?? "").split(";").map((part) => part.trim().toLowerCase());
  if (mediaType !== "application/json") return { body: undefined };
  const charset = parameters
    .find((parameter) => parameter.startsWith("charset="))
    ?.slice("charset=".length)
    .replaceAll('"', "");
  const encoding = (req.headers["content-encoding"] ?? "identity").toLowerCase();
  if ((charset && charset !== "utf-8" && charset !== "utf8") || !(encoding in decompressors))
    return { refusal: requestError("BAD_REQUEST", "Unsupported request encoding") };
  const tooLarge = () => ({ refusal: requestError("PAYLOAD_TOO_LARGE", `Request body is larger than ${maxBytes} bytes`) });
  const notJson = () => ({ refusal: requestError("BAD_REQUEST", "Request body is not valid JSON") });
  if (Number(req.headers["content-length"] ?? 0) > maxBytes) return tooLarge();
  const decompress = decompressors[encoding];
  const source: Readable = decompress ? req.pipe(decompress()) : req;
  const read = await new Promise<{ chunks: Buffer[]; size: number } | "too large" | "broken" | "gone">((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (outcome: "too large" | "broken" | "gone" | { chunks: Buffer[]; size: number }) => {
      source.removeAllListeners("data").removeAllListeners("end");
      resolve(outcome);
    };
    source.on("data", (chunk: Buffer) => {
      size += chunk.length;
      // The rest is not kept: the refusal goes out at once, and node's server discards what still comes.
      if (size > maxBytes) {
        source.pause();
        return stop("too large");
      }
      chunks.push(chunk);
    });
    source.once("end", () => stop({ chunks, size }));
    // A stream that does not inflate, or a client that left (then there is no one to answer).
    source.once("error", () => stop(req.destroyed ? "gone" : "broken"));
    req.once("close", () => {
      if (!req.complete) stop("gone");
    });
  });
  if (read === "gone") return null;
  if (read === "too large") return tooLarge();
  if (read === "broken") return notJson();
  const { chunks, size } = read;
  const text = Buffer.concat(chunks, size).toString("utf8").trim();
  if (!text) return { body: {} };
  if (text[0] !== "{" && text[0] !== "[") return notJson();
  try {
    return { body: JSON.parse(text) as unknown };
  } catch {
    return notJson();
  }
}

import type { Document } from "./client";
import { SoloUploadError } from "./errors";
import type {
  CompleteUploadMutation,
  CompleteUploadMutationVariables,
  CreateUploadUrlMutation,
  CreateUploadUrlMutationVariables,
  UploadPurpose,
} from "./generated/graphql";
import { CompleteUploadDocument, CreateUploadUrlDocument } from "./generated/graphql";

/** Bytes sent so far of the total, as the PUT goes. */
export interface UploadProgress {
  loaded: number;
  total: number;
}

export interface UploadOptions {
  /** The bytes: a File or Blob (browsers, Node), or an ArrayBuffer / Uint8Array. */
  body: Blob | ArrayBuffer | Uint8Array;
  filename: string;
  /** Its MIME type, one the purpose allows (AVATAR: image/png, image/jpeg, image/webp). */
  contentType: string;
  purpose: UploadPurpose;
  onProgress?: (progress: UploadProgress) => void;
}

interface Api {
  request<Result, Variables>(document: Document<Result, Variables>, variables: Variables): Promise<Result>;
  fetch: typeof fetch;
}

type Ticket = CreateUploadUrlMutation["createUploadUrl"];

/** Headers a browser's XMLHttpRequest sets itself and refuses from scripts. */
const SET_BY_THE_BROWSER = new Set(["content-length", "host"]);

/** createUploadUrl, then the PUT to object storage with progress, then completeUpload (READY or REJECTED). */
export async function uploadFile(api: Api, options: UploadOptions): Promise<CompleteUploadMutation["completeUpload"]> {
  const bytes = options.body instanceof ArrayBuffer ? new Uint8Array(options.body) : options.body;
  const size = bytes instanceof Uint8Array ? bytes.byteLength : bytes.size;
  const { createUploadUrl: ticket } = await api.request<CreateUploadUrlMutation, CreateUploadUrlMutationVariables>(CreateUploadUrlDocument, {
    input: { filename: options.filename, contentType: options.contentType, sizeBytes: size, purpose: options.purpose },
  });
  const progress = options.onProgress ?? (() => undefined);
  progress({ loaded: 0, total: size });
  // Browsers and React Native report upload progress through XMLHttpRequest; Node has none, and
  // streams the body through fetch, counting what it hands over.
  if (typeof XMLHttpRequest === "function") await putWithXhr(ticket, bytes, size, progress);
  else await putWithStream(api.fetch, ticket, bytes, size, progress);
  const { completeUpload } = await api.request<CompleteUploadMutation, CompleteUploadMutationVariables>(CompleteUploadDocument, { assetId: ticket.asset.id });
  return completeUpload;
}

function putWithXhr(ticket: Ticket, bytes: Blob | Uint8Array, size: number, progress: (p: UploadProgress) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(ticket.method, ticket.uploadUrl);
    for (const header of ticket.headers) if (!SET_BY_THE_BROWSER.has(header.name.toLowerCase())) xhr.setRequestHeader(header.name, header.value);
    xhr.upload.onprogress = (event) => progress({ loaded: event.loaded, total: event.lengthComputable ? event.total : size });
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        progress({ loaded: size, total: size });
        resolve();
      } else reject(new SoloUploadError(`The object store refused the upload: HTTP ${xhr.status}`, xhr.status));
    };
    xhr.onerror = () => reject(new SoloUploadError("The upload failed: network error"));
    xhr.onabort = () => reject(new SoloUploadError("The upload was aborted"));
    xhr.send(bytes as XMLHttpRequestBodyInit);
  });
}

/** Slices handed to the stream: progress moves in steps of this size. */
const CHUNK_BYTES = 64 * 1024;

async function putWithStream(fetchImpl: typeof fetch, ticket: Ticket, bytes: Blob | Uint8Array, size: number, progress: (p: UploadProgress) => void): Promise<void> {
  const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(await bytes.arrayBuffer());
  let offset = 0;
  // Pulled only as fast as the connection takes it, so `loaded` follows the bytes actually sent.
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= data.byteLength) {
        controller.close();
        return;
      }
      const chunk = data.subarray(offset, offset + CHUNK_BYTES);
      offset += chunk.byteLength;
      controller.enqueue(chunk);
      progress({ loaded: offset, total: size });
    },
  });
  const headers = Object.fromEntries(ticket.headers.map((header) => [header.name, header.value]));
  // `duplex` is how a streamed request body is declared (Node's fetch requires it); not yet in the DOM types.
  const init = { method: ticket.method, headers, body, duplex: "half" } as RequestInit;
  const response = await fetchImpl(ticket.uploadUrl, init).catch((error: unknown) => {
    throw new SoloUploadError(`The upload failed: ${error instanceof Error ? error.message : String(error)}`);
  });
  if (!response.ok) throw new SoloUploadError(`The object store refused the upload: HTTP ${response.status}`, response.status);
}

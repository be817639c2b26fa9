import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCorsCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutBucketCorsCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { Readable } from "node:stream";
import type { Env } from "./config";
import { envString } from "./config";

export interface StorageConfig {
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** When set, READY objects are served from here (a CDN or R2 public bucket) instead of signed GETs. */
  publicBaseUrl?: string;
}

export function storageConfigFromEnv(env: Env = process.env): StorageConfig {
  return {
    endpoint: envString("S3_ENDPOINT", "", env) || undefined,
    region: envString("S3_REGION", "auto", env),
    bucket: envString("S3_BUCKET", "solo", env),
    accessKeyId: envString("S3_ACCESS_KEY_ID", "S3RVER", env),
    secretAccessKey: envString("S3_SECRET_ACCESS_KEY", "S3RVER", env),
    publicBaseUrl: envString("S3_PUBLIC_BASE_URL", "", env) || undefined,
  };
}

export interface DownloadOptions {
  /** Named in Content-Disposition. */
  filename?: string;
  /** The Content-Type the download is served with, whatever the object's metadata says. */
  contentType?: string;
  /** `attachment`: browsers save the file instead of rendering it. Default `inline`. */
  disposition?: "inline" | "attachment";
  /** Anyone may see it: served from S3_PUBLIC_BASE_URL when that is set. */
  public?: boolean;
}

export const UPLOAD_URL_TTL_SECONDS = 900;
export const DOWNLOAD_URL_TTL_SECONDS = 900;

export interface StoredObject {
  sizeBytes: number;
  contentType: string | undefined;
}

/**
 * Object storage over the S3 API: Cloudflare R2 in production, s3rver or MinIO elsewhere. Clients
 * upload and download straight from the store through presigned URLs; the API only signs and checks.
 */
export class ObjectStorage {
  private readonly client: S3Client;

  constructor(readonly config: StorageConfig) {
    this.client = new S3Client({
      endpoint: config.endpoint,
      region: config.region,
      forcePathStyle: true,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      // Otherwise presigned PUTs carry a checksum of an empty body, which R2 then enforces.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
  }

  /** A PUT bound to one content type and length: the store refuses anything else it is sent. */
  async presignUpload(key: string, contentType: string, sizeBytes: number): Promise<{ url: string; headers: Record<string, string>; expiresAt: Date }> {
    const command = new PutObjectCommand({ Bucket: this.config.bucket, Key: key, ContentType: contentType, ContentLength: sizeBytes });
    const url = await getSignedUrl(this.client, command, {
      expiresIn: UPLOAD_URL_TTL_SECONDS,
      // Signed headers, not query parameters: the client must send exactly these.
      signableHeaders: new Set(["content-type", "content-length"]),
      unhoistableHeaders: new Set(["content-type", "content-length"]),
    });
    return {
      url,
      headers: { "Content-Type": contentType, "Content-Length": String(sizeBytes) },
      expiresAt: new Date(Date.now() + UPLOAD_URL_TTL_SECONDS * 1000),
    };
  }

  /**
   * A short-lived signed GET; for an object anyone may see (`public`), the public URL instead when
   * S3_PUBLIC_BASE_URL is configured. Private objects are never given a permanent URL. The signed
   * GET fixes the response's type (`contentType`) and disposition: an `attachment` is downloaded,
   * never rendered, whatever its bytes are.
   */
  async downloadUrl(key: string, options: DownloadOptions = {}): Promise<string> {
    if (this.config.publicBaseUrl && options.public) {
      return `${this.config.publicBaseUrl.replace(/\/$/, "")}/${key.split("/").map(encodeURIComponent).join("/")}`;
    }
    const disposition = options.disposition ?? "inline";
    const command = new GetObjectCommand({
      Bucket: this.config.bucket,
      Key: key,
      ResponseContentDisposition: options.filename ? `${disposition}; filename*=UTF-8''${encodeURIComponent(options.filename)}` : disposition,
      ResponseContentType: options.contentType,
    });
    return getSignedUrl(this.client, command, { expiresIn: DOWNLOAD_URL_TTL_SECONDS });
  }

  /** Size and type of a stored object, or null when there is none. */
  async head(key: string): Promise<StoredObject | null> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.config.bucket, Key: key }));
      return { sizeBytes: Number(head.ContentLength ?? 0), contentType: head.ContentType };
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 404 || (error as Error).name === "NotFound") return null;
      throw error;
    }
  }

  /** A server-side copy within the bucket (type and metadata included); the bytes never pass through here. */
  async copy(fromKey: string, toKey: string): Promise<void> {
    const source = `${this.config.bucket}/${fromKey.split("/").map(encodeURIComponent).join("/")}`;
    await this.client.send(new CopyObjectCommand({ Bucket: this.config.bucket, CopySource: source, Key: toKey }));
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: key }));
  }

  async put(key: string, body: Buffer | string, contentType: string): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.config.bucket, Key: key, Body: body, ContentType: contentType }));
  }

  /**
   * Writes what `body` yields, as it comes, without knowing its length: a multipart upload of 5 MB
   * parts (a single PUT when it ends sooner). A body that errors (destroy it with one) aborts the
   * upload: nothing is stored, and the parts already sent are dropped.
   */
  async uploadStream(key: string, body: Readable, contentType: string): Promise<void> {
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.config.bucket, Key: key, Body: body, ContentType: contentType },
      // At most this many parts in memory at once (5 MB each): the body is read no faster.
      queueSize: 2,
    });
    await upload.done();
  }

  async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.config.bucket }));
    } catch {
      await this.client.send(new CreateBucketCommand({ Bucket: this.config.bucket }));
    }
  }

  /**
   * Lets pages from `origins` (exact, or with one `*`, as in CORS_ORIGINS) PUT uploads and GET
   * downloads straight from the bucket. Used for the local store; R2's rule is set once by hand.
   */
  async allowBrowserOrigins(origins: string[]): Promise<void> {
    if (!origins.length) {
      await this.client.send(new DeleteBucketCorsCommand({ Bucket: this.config.bucket }));
      return;
    }
    const rule = { AllowedOrigins: origins, AllowedMethods: ["PUT", "GET", "HEAD"], AllowedHeaders: ["Content-Type"], ExposeHeaders: ["ETag"], MaxAgeSeconds: 600 };
    await this.client.send(new PutBucketCorsCommand({ Bucket: this.config.bucket, CORSConfiguration: { CORSRules: [rule] } }));
  }

  /** Readiness: the bucket answers. */
  async check(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.config.bucket }));
  }

  destroy(): void {
    this.client.destroy();
  }
}

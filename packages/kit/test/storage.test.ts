import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ObjectStorage } from "../src/storage";

const config = { endpoint: "http://127.0.0.1:9", region: "auto", bucket: "solo", accessKeyId: "k", secretAccessKey: "s" };

describe("object storage URLs (no network)", () => {
  it("signs a GET for 15 minutes by default", async () => {
    const url = new URL(await new ObjectStorage(config).downloadUrl("users/u/a", { filename: "report 1.pdf" }));
    assert.equal(url.pathname, "/solo/users/u/a");
    assert.equal(url.searchParams.get("X-Amz-Expires"), "900");
    assert.match(url.searchParams.get("response-content-disposition") ?? "", /filename\*=UTF-8''report%201\.pdf/);
  });

  it("signs the response's type and an attachment disposition into the GET when asked", async () => {
    const url = new URL(await new ObjectStorage(config).downloadUrl("users/u/a", { filename: "leads.csv", contentType: "text/csv", disposition: "attachment" }));
    assert.equal(url.searchParams.get("response-content-disposition"), "attachment; filename*=UTF-8''leads.csv");
    assert.equal(url.searchParams.get("response-content-type"), "text/csv");
  });

  it("serves public objects from S3_PUBLIC_BASE_URL when one is configured, and signs the rest", async () => {
    const storage = new ObjectStorage({ ...config, publicBaseUrl: "https://cdn.example.com/media/" });
    assert.equal(await storage.downloadUrl("users/u/avatar/a b", { public: true }), "https://cdn.example.com/media/users/u/avatar/a%20b");
    const privateUrl = new URL(await storage.downloadUrl("users/u/lead_import/a", { public: false }));
    assert.equal(privateUrl.host, "127.0.0.1:9");
    assert.equal(privateUrl.searchParams.get("X-Amz-Expires"), "900");
  });

  it("presigns uploads with content type and length as signed headers and no checksum", async () => {
    const { url, headers } = await new ObjectStorage(config).presignUpload("users/u/a", "image/png", 42);
    const parsed = new URL(url);
    assert.equal(parsed.searchParams.get("X-Amz-SignedHeaders"), "content-length;content-type;host");
    assert.ok(![...parsed.searchParams.keys()].some((key) => /checksum/i.test(key)));
    assert.deepEqual(headers, { "Content-Type": "image/png", "Content-Length": "42" });
  });
});

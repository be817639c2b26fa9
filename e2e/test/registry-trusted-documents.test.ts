import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Stack } from "../src/stack";
import { contractOperation, startStack } from "../src/stack";

const sha256 = (text: string) => crypto.createHash("sha256").update(text).digest("hex");
const CATALOG = contractOperation("CourseCatalog");
const persisted = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

/** POST with only a hash, as an APQ client's first try. */
async function postHash(stack: Stack, hash: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return stack.client({ headers }).raw(JSON.stringify({ extensions: persisted(hash), variables: { first: 2 }, ...extra }));
}

/** GET with the hash in `extensions`, as Apollo Client's persisted-query link sends queries (useGETForHashedQueries). */
async function getHash(stack: Stack, hash: string) {
  const url = new URL(stack.url);
  url.searchParams.set("extensions", JSON.stringify(persisted(hash)));
  url.searchParams.set("variables", JSON.stringify({ first: 2 }));
  // A GET needs a header a browser's simple request cannot send (csrfPrevention).
  const response = await fetch(url, { headers: { "apollo-require-preflight": "true" } });
  return { status: response.status, ...((await response.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] }) };
}

describe("trusted documents from a manifest file (TRUSTED_DOCUMENTS_PATH)", () => {
  let stack: Stack;
  let dir: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "solo-trusted-"));
    const manifest = path.join(dir, "manifest.json");
    fs.writeFileSync(
      manifest,
      JSON.stringify({
        format: "apollo-persisted-query-manifest",
        version: 1,
        operations: [{ id: sha256(CATALOG), name: "CourseCatalog", type: "query", body: CATALOG }],
      }),
    );
    stack = await startStack({ gateway: { trustedDocumentsPath: manifest, requireTrustedDocumentsForAnonymous: true } });
  });
  after(async () => {
    await stack.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("runs a published document by its hash over POST and GET", async () => {
    const post = await postHash(stack, sha256(CATALOG));
    assert.equal(post.errors, undefined, JSON.stringify(post.errors));
    assert.ok(Array.isArray(post.data.courses.edges));
    const get = await getHash(stack, sha256(CATALOG));
    assert.equal(get.errors, undefined, JSON.stringify(get.errors));
    assert.deepEqual(get.data, post.data);
  });

  it("answers PERSISTED_QUERY_NOT_FOUND for a hash nobody published, and lets no client publish one by sending it", async () => {
    const text = "query Sneaky { __typename }";
    const unknown = await postHash(stack, sha256(text));
    assert.equal(unknown.errors?.[0].extensions?.code, "PERSISTED_QUERY_NOT_FOUND");
    // APQ's second step (text and hash) is free-form text, which anonymous callers may not send here…
    const registering = await postHash(stack, sha256(text), { query: text });
    assert.equal(registering.errors?.[0].extensions?.code, "PERSISTED_QUERY_REQUIRED");
    // …and it stored nothing: the hash alone is still unknown.
    const again = await getHash(stack, sha256(text));
    assert.equal(again.errors?.[0].extensions?.code, "PERSISTED_QUERY_NOT_FOUND");
  });

  it("refuses a hash that is not the hash of the text sent with it", async () => {
    const response = await postHash(stack, sha256(CATALOG), { query: `${CATALOG}\n# changed` });
    assert.equal(response.status, 400);
    assert.equal(response.errors?.[0].extensions?.code, "BAD_REQUEST");
    assert.match(response.errors?.[0].message ?? "", /does not match/);
    assert.equal(response.data, undefined);
  });

  it("refuses free-form text from anonymous callers when trusted documents are required, and accepts a published text with its hash", async () => {
    const free = await stack.client().request(CATALOG, { first: 2 });
    assert.equal(free.errors?.[0].extensions?.code, "PERSISTED_QUERY_REQUIRED");
    assert.equal(free.data, undefined);
    const withHash = await postHash(stack, sha256(CATALOG), { query: CATALOG });
    assert.equal(withHash.errors, undefined, JSON.stringify(withHash.errors));
  });
});

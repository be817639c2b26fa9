import assert from "node:assert/strict";
import crypto from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { Identity, RunningSubgraph } from "@solo/kit";
import { GATEWAY_KEY_HEADER, IDENTITY_HEADER, anonymousGatewayKey, jobNames, loadSubgraph, runSubgraph, signIdentity } from "@solo/kit";
import { createTestDatabase } from "@solo/kit/dist/src/testing";
import { Client } from "pg";
import type { Stack } from "../src/stack";
import { register, startStack, tableSnapshot } from "../src/stack";
import { registerWithRole, upload, uploadReady } from "../src/content-fixtures";
import { startCopyHoldingProxy } from "../src/copy-holding-proxy";
import type { TestObjectStore } from "../src/object-store";
import { startTestObjectStore } from "../src/object-store";

const PNG = Buffer.from("\x89PNG\r\n\x1a\n fake image bytes for the tests");

/** The key a presigned PUT writes to: its path after the bucket. */
function stagedKey(stack: Stack, uploadUrl: string): string {
  const path = decodeURIComponent(new URL(uploadUrl).pathname);
  const prefix = `/${stack.storageConfig.bucket}/`;
  assert.ok(path.startsWith(prefix), path);
  return path.slice(prefix.length);
}

describe("uploads through presigned URLs", () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  it("signs a PUT bound to the declared type and length, for 15 minutes, under the owner's prefix, without a checksum", async () => {
    const account = await register(stack);
    const response = await account.client.op("CreateUploadUrl", {
      input: { filename: "../../etc/passwd.png", contentType: "image/png", sizeBytes: 1234, purpose: "AVATAR" },
    });
    assert.equal(response.errors, undefined);
    const ticket = response.data.createUploadUrl;
    const url = new URL(ticket.uploadUrl);
    assert.equal(ticket.method, "PUT");
    assert.deepEqual(url.searchParams.get("X-Amz-SignedHeaders")?.split(";").sort(), ["content-length", "content-type", "host"]);
    assert.equal(url.searchParams.get("X-Amz-Expires"), "900");
    assert.deepEqual(
      [...url.searchParams.keys()].filter((key) => key.toLowerCase().startsWith("x-amz-checksum")),
      [],
    );
    assert.equal(url.searchParams.get("X-Amz-Content-Sha256"), "UNSIGNED-PAYLOAD");
    const expiresIn = new Date(ticket.expiresAt).getTime() - Date.now();
    assert.ok(expiresIn > 890_000 && expiresIn <= 900_000, `expiresAt ${expiresIn} ms away`);
    assert.deepEqual(ticket.headers, [
      { name: "Content-Type", value: "image/png" },
      { name: "Content-Length", value: "1234" },
    ]);
    const { asset } = ticket;
    assert.equal(asset.key, `users/${account.user.id}/avatar/${asset.id}`, "the key names owner, purpose and asset, never the filename");
    assert.equal(stagedKey(stack, ticket.uploadUrl), `uploads/${account.user.id}/avatar/${asset.id}`, "the PUT goes to a staging key, not the served one");
    assert.deepEqual(
      { status: asset.status, purpose: asset.purpose, contentType: asset.contentType, sizeBytes: asset.sizeBytes },
      {
        status: "PENDING",
        purpose: "AVATAR",
        contentType: "image/png",
        sizeBytes: 1234,
      },
    );
  });

  it("marks an upload READY when the stored object matches, and serves it by a signed GET", async () => {
    const account = await register(stack);
    const { ticket, completed } = await upload(account.client, { purpose: "AVATAR", contentType: "image/png", bytes: PNG, filename: "me.png" });
    assert.equal(completed.errors, undefined);
    const asset = completed.data.completeUpload;
    assert.deepEqual(
      { status: asset.status, sizeBytes: asset.sizeBytes, contentType: asset.contentType },
      {
        status: "READY",
        sizeBytes: PNG.length,
        contentType: "image/png",
      },
    );
    const url = new URL(asset.url);
    assert.equal(url.searchParams.get("X-Amz-Expires"), "900");
    const download = await fetch(asset.url);
    assert.equal(download.status, 200);
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), PNG);
    const fetched = await account.client.op("MediaAsset", { id: ticket.asset.id });
    assert.equal(fetched.data.mediaAsset.owner.id, account.user.id);
    assert.equal(fetched.data.mediaAsset.filename, "me.png");
    const again = await account.client.op("CompleteUpload", { assetId: ticket.asset.id });
    assert.equal(again.data.completeUpload.status, "READY", "completing twice changes nothing");
  });

  it("rejects and deletes an object whose size differs from the declaration", async () => {
    const account = await register(stack);
    const { ticket, completed } = await upload(account.client, {
      purpose: "AVATAR",
      contentType: "image/png",
      bytes: PNG,
      declaredSize: PNG.length + 100,
    });
    assert.equal(completed.data.completeUpload.status, "REJECTED");
    assert.equal(completed.data.completeUpload.url, null);
    assert.equal(await stack.storage.head(stagedKey(stack, ticket.uploadUrl)), null, "the object is gone");
    assert.equal(await stack.storage.head(ticket.asset.key), null, "and was never served");
  });

  it("rejects and deletes an object whose type differs from the declaration", async () => {
    const account = await register(stack);
    const { ticket, completed } = await upload(account.client, {
      purpose: "AVATAR",
      contentType: "text/html",
      declaredType: "image/png",
      bytes: PNG,
    });
    assert.equal(completed.data.completeUpload.status, "REJECTED");
    assert.equal(await stack.storage.head(stagedKey(stack, ticket.uploadUrl)), null);
    assert.equal(await stack.storage.head(ticket.asset.key), null);
  });

  it("says why an upload was REJECTED (declared vs found), and still says so after the content subgraph restarts", async () => {
    const account = await register(stack);
    const tooLong = await upload(account.client, { purpose: "AVATAR", contentType: "image/png", bytes: PNG, declaredSize: PNG.length + 100 });
    const wrongType = await upload(account.client, { purpose: "AVATAR", contentType: "text/html", declaredType: "image/png", bytes: PNG });
    const ready = await uploadReady(account.client, "AVATAR", "image/png");
    const expected = {
      [tooLong.ticket.asset.id]: {
        status: "REJECTED",
        rejectionReason: {
          kind: "SIZE_MISMATCH",
          message: `stored ${PNG.length} bytes ≠ declared ${PNG.length + 100}`,
          declaredSizeBytes: PNG.length + 100,
          foundSizeBytes: PNG.length,
          declaredContentType: "image/png",
          foundContentType: "image/png",
        },
      },
      [wrongType.ticket.asset.id]: {
        status: "REJECTED",
        rejectionReason: {
          kind: "TYPE_MISMATCH",
          message: "stored type text/html ≠ declared image/png",
          declaredSizeBytes: PNG.length,
          foundSizeBytes: PNG.length,
          declaredContentType: "image/png",
          foundContentType: "text/html",
        },
      },
      [ready.id]: { status: "READY", rejectionReason: null },
    };
    const read = async () => {
      const seen: Record<string, unknown> = {};
      for (const id of Object.keys(expected)) {
        const response = await account.client.request(
          `query ($id: ID!) { mediaAsset(id: $id) { status rejectionReason { kind message declaredSizeBytes foundSizeBytes declaredContentType foundContentType } } }`,
          { id },
        );
        assert.equal(response.errors, undefined, JSON.stringify(response.errors));
        seen[id] = response.data.mediaAsset;
      }
      return seen;
    };
    assert.deepEqual(await read(), expected);
    // Completing again answers the stored decision, reason included.
    const again = await account.client.request(`mutation ($id: ID!) { completeUpload(assetId: $id) { status rejectionReason { kind } } }`, {
      id: tooLong.ticket.asset.id,
    });
    assert.deepEqual(again.data?.completeUpload, { status: "REJECTED", rejectionReason: { kind: "SIZE_MISMATCH" } });
    // Others never see it: the asset itself is the uploader's (and admins').
    const other = await register(stack);
    const peek = await other.client.request(`query ($id: ID!) { mediaAsset(id: $id) { rejectionReason { kind } } }`, { id: tooLong.ticket.asset.id });
    assert.deepEqual([peek.errors, peek.data], [undefined, { mediaAsset: null }], "another account sees neither the asset nor why");
    await stack.restart("content");
    assert.deepEqual(await read(), expected, "the reason is stored with the asset, not kept in the process");
  });

  it("reports an error, and keeps the asset PENDING, when nothing was uploaded", async () => {
    const account = await register(stack);
    const ticket = await account.client.op("CreateUploadUrl", { input: { filename: "a.png", contentType: "image/png", sizeBytes: 10, purpose: "AVATAR" } });
    const assetId = ticket.data.createUploadUrl.asset.id;
    const completed = await account.client.op("CompleteUpload", { assetId });
    assert.equal(completed.errors?.[0].extensions?.code, "BAD_USER_INPUT");
    assert.equal(completed.errors?.[0].extensions?.reason, "OBJECT_NOT_UPLOADED");
    assert.equal((await account.client.op("MediaAsset", { id: assetId })).data.mediaAsset.status, "PENDING");
  });

  it("lets only the uploader complete an upload", async () => {
    const owner = await register(stack);
    const other = await register(stack);
    const ticket = await owner.client.op("CreateUploadUrl", { input: { filename: "a.png", contentType: "image/png", sizeBytes: PNG.length, purpose: "AVATAR" } });
    const { asset, uploadUrl, headers } = ticket.data.createUploadUrl;
    await fetch(uploadUrl, { method: "PUT", headers: Object.fromEntries(headers.map((h: any) => [h.name, h.value])), body: PNG });
    const stolen = await other.client.op("CompleteUpload", { assetId: asset.id });
    assert.equal(stolen.errors?.[0].extensions?.code, "FORBIDDEN");
    assert.equal((await other.client.op("MediaAsset", { id: asset.id })).data.mediaAsset, null, "nor see it");
    assert.equal((await owner.client.op("CompleteUpload", { assetId: asset.id })).data.completeUpload.status, "READY");
  });

  it("never changes a READY asset's bytes: a later PUT through the same URL lands in staging, which the sweep clears", async () => {
    const account = await register(stack);
    const { ticket, completed } = await upload(account.client, { purpose: "AVATAR", contentType: "image/png", bytes: PNG, filename: "me.png" });
    assert.equal(completed.data.completeUpload.status, "READY");
    const staged = stagedKey(stack, ticket.uploadUrl);
    assert.equal(await stack.storage.head(staged), null, "completion removed the staged object");

    const other = Buffer.from("\x89PNG\r\n\x1a\n other bytes, longer than the original ones were");
    const again = await fetch(ticket.uploadUrl, { method: "PUT", headers: { "Content-Type": "image/png" }, body: other });
    assert.equal(again.status, 200, "the URL is still valid");
    const url = (await account.client.op("MediaAsset", { id: ticket.asset.id })).data.mediaAsset.url;
    assert.deepEqual(Buffer.from(await (await fetch(url)).arrayBuffer()), PNG, "the download still serves the original bytes");
    assert.equal((await stack.storage.head(ticket.asset.key))?.sizeBytes, PNG.length);
    assert.equal((await stack.storage.head(staged))?.sizeBytes, other.length, "the new bytes sit in staging");
    assert.equal((await account.client.op("CompleteUpload", { assetId: ticket.asset.id })).data.completeUpload.status, "READY");
    assert.deepEqual(Buffer.from(await (await fetch(url)).arrayBuffer()), PNG, "completing again changes nothing");

    // Within the URL's lifetime the sweep leaves staging alone (another PUT could follow); after it, it clears it once.
    await stack.subgraph("content").runJobNow("sweep-stale-uploads");
    assert.ok(await stack.storage.head(staged));
    await stack.db.query("update content.media_assets set created_at = now() - interval '17 minutes' where id = $1", [ticket.asset.id]);
    await stack.subgraph("content").runJobNow("sweep-stale-uploads");
    assert.equal(await stack.storage.head(staged), null);
    const row = await stack.db.query("select status, staging_removed_at from content.media_assets where id = $1", [ticket.asset.id]);
    assert.equal(row.rows[0].status, "READY");
    assert.ok(row.rows[0].staging_removed_at, "marked, so the next sweep does not visit it again");
    assert.deepEqual(Buffer.from(await (await fetch(url)).arrayBuffer()), PNG);
  });

  it("decides once when completions race, and copies nothing over a READY object", async (t) => {
    const account = await register(stack);
    const ticket = (await account.client.op("CreateUploadUrl", { input: { filename: "r.png", contentType: "image/png", sizeBytes: PNG.length, purpose: "AVATAR" } })).data
      .createUploadUrl;
    await fetch(ticket.uploadUrl, { method: "PUT", headers: { "Content-Type": "image/png" }, body: PNG });
    const results = await Promise.all(Array.from({ length: 8 }, () => account.client.op("CompleteUpload", { assetId: ticket.asset.id })));
    assert.deepEqual(
      results.map((result) => result.errors ?? result.data.completeUpload.status),
      Array(8).fill("READY"),
    );
    assert.deepEqual(Buffer.from(await (await fetch(results[0].data.completeUpload.url)).arrayBuffer()), PNG);
    if (!stack.objectStore.writes) return t.skip("copies are counted on s3rver only: S3_ENDPOINT's store does not report its writes");
    assert.equal(stack.objectStore.writes.get(ticket.asset.key), 1, "one completion copied; the others waited and read READY");
  });

  it("finishes a completion that crashed between the copy and the commit when completed again", async () => {
    const account = await register(stack);
    const ticket = (await account.client.op("CreateUploadUrl", { input: { filename: "c.png", contentType: "image/png", sizeBytes: PNG.length, purpose: "AVATAR" } })).data
      .createUploadUrl;
    await fetch(ticket.uploadUrl, { method: "PUT", headers: { "Content-Type": "image/png" }, body: PNG });
    // What the crashed completion left: the copy at the storage key, the asset still PENDING, and
    // its claim, whose lease nobody renews now.
    await stack.storage.copy(stagedKey(stack, ticket.uploadUrl), ticket.asset.key);
    await stack.db.query("update content.media_assets set completion_claim = gen_random_uuid(), completion_lease_until = now() + interval '1 second' where id = $1", [
      ticket.asset.id,
    ]);
    assert.equal((await account.client.op("MediaAsset", { id: ticket.asset.id })).data.mediaAsset.url, null, "a PENDING asset is not served");
    const completed = await account.client.op("CompleteUpload", { assetId: ticket.asset.id });
    assert.equal(completed.data.completeUpload.status, "READY");
    assert.deepEqual(Buffer.from(await (await fetch(completed.data.completeUpload.url)).arrayBuffer()), PNG);
    assert.equal(await stack.storage.head(stagedKey(stack, ticket.uploadUrl)), null);
  });

  it("serves anything but images, audio and video as an attachment of its declared type; media inline", async () => {
    const marketer = await registerWithRole(stack, "MARKETER");
    // A page disguised as a CSV: the type matches the declaration, the body is HTML with script.
    const html = Buffer.from("<!doctype html><script>document.title = 'ran'</script><p>name,email</p>");
    const leads = await uploadReady(marketer.client, "LEAD_IMPORT", "text/csv", html);
    const instructor = await registerWithRole(stack, "INSTRUCTOR");
    const pdf = await uploadReady(instructor.client, "MATERIAL", "application/pdf", Buffer.from("%PDF-1.4 a guide"));
    const avatar = await uploadReady(marketer.client, "AVATAR", "image/png", PNG);
    const served = async (url: string) => {
      const response = await fetch(url);
      return {
        status: response.status,
        type: response.headers.get("content-type"),
        disposition: response.headers.get("content-disposition"),
        body: Buffer.from(await response.arrayBuffer()),
      };
    };
    const csv = await served(leads.url);
    assert.deepEqual(csv, { status: 200, type: "text/csv", disposition: "attachment; filename*=UTF-8''file.bin", body: html });
    assert.equal(new URL(leads.url).searchParams.get("response-content-disposition"), "attachment; filename*=UTF-8''file.bin", "signed into the URL");
    const material = await served(pdf.url);
    assert.equal(material.type, "application/pdf");
    assert.match(material.disposition ?? "", /^attachment; /);
    const image = await served(avatar.url);
    assert.equal(image.type, "image/png");
    assert.match(image.disposition ?? "", /^inline; /);
  });

  it("refuses disallowed types, sizes and purposes without creating an asset", async () => {
    const student = await register(stack);
    const cases: [Record<string, unknown>, string][] = [
      [{ filename: "a.gif", contentType: "image/gif", sizeBytes: 10, purpose: "AVATAR" }, "BAD_USER_INPUT"],
      [{ filename: "a.png", contentType: "image/png", sizeBytes: 5_000_001, purpose: "AVATAR" }, "BAD_USER_INPUT"],
      [{ filename: "a.png", contentType: "image/png", sizeBytes: 0, purpose: "AVATAR" }, "BAD_USER_INPUT"],
      [{ filename: "a.png", contentType: "image/png", sizeBytes: 10, purpose: "SELFIE" }, "BAD_USER_INPUT"],
      [{ filename: "   ", contentType: "image/png", sizeBytes: 10, purpose: "AVATAR" }, "BAD_USER_INPUT"],
      [{ filename: "leads.csv", contentType: "text/csv", sizeBytes: 10, purpose: "LEAD_IMPORT" }, "BAD_USER_INPUT"],
      [{ filename: "lesson.mp4", contentType: "video/mp4", sizeBytes: 10, purpose: "LESSON_MEDIA" }, "BAD_USER_INPUT"],
    ];
    const before = await tableSnapshot(stack, "content");
    for (const [input, code] of cases) {
      const response = await student.client.op("CreateUploadUrl", { input });
      assert.equal(response.errors?.[0].extensions?.code, code, JSON.stringify(input));
    }
    assert.deepEqual(await tableSnapshot(stack, "content"), before, "no asset rows");
    // A type or size the purpose refuses: the error names everything the purpose accepts.
    const IMAGES = ["image/png", "image/jpeg", "image/webp"];
    for (const [input, field, reason, got] of [
      [cases[0][0], "contentType", "CONTENT_TYPE_NOT_ALLOWED", "got type image/gif"],
      [cases[1][0], "sizeBytes", "FILE_TOO_LARGE", "got 5000001 bytes"],
    ] as const) {
      const refused = await student.client.op("CreateUploadUrl", { input });
      const [error] = refused.errors;
      assert.equal(error.message, `AVATAR accepts ${IMAGES.join(", ")} of at most 5000000 bytes; ${got}`);
      const { code, purpose, allowedContentTypes, maxBytes } = error.extensions;
      assert.deepEqual(
        { code, field: error.extensions.field, reason: error.extensions.reason, purpose, allowedContentTypes, maxBytes },
        { code: "BAD_USER_INPUT", field, reason, purpose: "AVATAR", allowedContentTypes: IMAGES, maxBytes: 5_000_000 },
      );
    }
    const anonymous = await stack.client().op("CreateUploadUrl", { input: cases[0][0] });
    assert.equal(anonymous.errors?.[0].extensions?.code, "UNAUTHENTICATED");
    const instructor = await registerWithRole(stack, "INSTRUCTOR");
    const big = await instructor.client.op("CreateUploadUrl", {
      input: { filename: "lesson.mp4", contentType: "video/mp4", sizeBytes: 2_000_000_000, purpose: "LESSON_MEDIA" },
    });
    assert.equal(big.errors, undefined, "2 GB lesson media is allowed");
  });

  it("sets, shows and removes an avatar, and refuses one that is not the account's completed AVATAR upload", async () => {
    const account = await register(stack);
    const other = await register(stack);
    const avatar = await uploadReady(account.client, "AVATAR", "image/png", PNG);
    const updated = await account.client.op("UpdateProfile", { input: { avatarAssetId: avatar.id } });
    assert.equal(updated.errors, undefined, JSON.stringify(updated.errors));
    assert.equal(updated.data.updateProfile.avatar.id, avatar.id);
    assert.equal(updated.data.updateProfile.avatar.contentType, "image/png");
    const me = await account.client.op("Me");
    assert.equal(me.data.me.avatar.id, avatar.id);
    assert.equal((await fetch(me.data.me.avatar.url)).status, 200);

    const othersAvatar = await uploadReady(other.client, "AVATAR", "image/png", PNG);
    const pending = await account.client.op("CreateUploadUrl", { input: { filename: "p.png", contentType: "image/png", sizeBytes: 10, purpose: "AVATAR" } });
    const before = await tableSnapshot(stack, "users");
    for (const assetId of [othersAvatar.id, pending.data.createUploadUrl.asset.id, "not-a-uuid", "00000000-0000-4000-8000-000000000000"]) {
      const refused = await account.client.op("UpdateProfile", { input: { avatarAssetId: assetId } });
      assert.equal(refused.errors?.[0].extensions?.code, "BAD_USER_INPUT", assetId);
    }
    assert.deepEqual(await tableSnapshot(stack, "users"), before);

    const removed = await account.client.op("UpdateProfile", { input: { avatarAssetId: null } });
    assert.equal(removed.data.updateProfile.avatar, null);
  });

  it("caps the uploads one account may have in progress", async () => {
    const account = await register(stack);
    const ask = () => account.client.op("CreateUploadUrl", { input: { filename: "a.png", contentType: "image/png", sizeBytes: 10, purpose: "AVATAR" } });
    for (let i = 0; i < 20; i++) assert.equal((await ask()).errors, undefined);
    const over = await ask();
    assert.equal(over.errors?.[0].extensions?.code, "RATE_LIMITED");
    assert.equal(over.errors?.[0].extensions?.retryAfterSeconds, 900);
  });

  it("holds the cap under concurrency: 25 parallel requests at a cap of 20 give exactly 20 tickets", async () => {
    const account = await register(stack);
    const responses = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        account.client.op("CreateUploadUrl", { input: { filename: `p${i}.png`, contentType: "image/png", sizeBytes: 10, purpose: "AVATAR" } }),
      ),
    );
    const codes = responses.map((response) => response.errors?.[0].extensions?.code ?? "OK");
    assert.equal(codes.filter((code) => code === "OK").length, 20, codes.join(" "));
    assert.equal(codes.filter((code) => code === "RATE_LIMITED").length, 5, codes.join(" "));
    const pending = await stack.db.query("select count(*)::int as n from content.media_assets where owner_id = $1 and status = 'PENDING'", [account.user.id]);
    assert.equal(pending.rows[0].n, 20);
  });

  it("chooses the API-key scope by purpose", async () => {
    const { registerWithRole: withRole } = await import("../src/content-fixtures.js");
    const marketer = await withRole(stack, "MARKETER");
    const keyWith = async (scopes: string[]) =>
      stack.client({ apiKey: (await marketer.client.op("CreateApiKey", { input: { name: "k", scopes } })).data.createApiKey.secret });
    const csv = { input: { filename: "leads.csv", contentType: "text/csv", sizeBytes: 10, purpose: "LEAD_IMPORT" } };
    assert.equal((await (await keyWith(["leads:write"])).op("CreateUploadUrl", csv)).errors, undefined);
    assert.equal((await (await keyWith(["content:write"])).op("CreateUploadUrl", csv)).errors?.[0].extensions?.code, "FORBIDDEN");
  });

  it("hides private uploads from entity references; shows public ones once READY", async () => {
    const { registerWithRole: withRole } = await import("../src/content-fixtures.js");
    const marketer = await withRole(stack, "MARKETER");
    const leads = await uploadReady(marketer.client, "LEAD_IMPORT", "text/csv", Buffer.from("name,email\nA,a@x.test\n"));
    const avatar = await uploadReady(marketer.client, "AVATAR", "image/png", PNG);
    const entities = async (id: string) => {
      const response = await fetch(stack.subgraphUrls.content, {
        method: "POST",
        headers: { "content-type": "application/json", [GATEWAY_KEY_HEADER]: anonymousGatewayKey() },
        body: JSON.stringify({ query: `{ _entities(representations: [{ __typename: "MediaAsset", id: "${id}" }]) { ... on MediaAsset { id url } } }` }),
      });
      return ((await response.json()) as any).data._entities[0];
    };
    assert.equal(await entities(leads.id), null, "a lead import is its owner's business");
    assert.equal((await entities(avatar.id)).id, avatar.id, "a profile picture is public");
  });

  it("removes uploads left PENDING past the limit, row and object, and keeps the rest", async () => {
    const account = await register(stack);
    const stale = await account.client.op("CreateUploadUrl", { input: { filename: "s.png", contentType: "image/png", sizeBytes: PNG.length, purpose: "AVATAR" } });
    const fresh = await account.client.op("CreateUploadUrl", { input: { filename: "f.png", contentType: "image/png", sizeBytes: PNG.length, purpose: "AVATAR" } });
    const ready = await uploadReady(account.client, "AVATAR", "image/png", PNG);
    const staleAsset = stale.data.createUploadUrl.asset;
    const staleStaged = stagedKey(stack, stale.data.createUploadUrl.uploadUrl);
    // The client uploaded but never completed, and a completion crashed after copying it; a day and a bit later…
    await stack.storage.put(staleStaged, PNG, "image/png");
    await stack.storage.copy(staleStaged, staleAsset.key);
    await stack.db.query("update content.media_assets set created_at = now() - interval '25 hours' where id = any($1)", [[staleAsset.id, ready.id]]);
    await stack.subgraph("content").runJobNow("sweep-stale-uploads");
    const rows = await stack.db.query("select id from content.media_assets where owner_id = $1", [account.user.id]);
    assert.deepEqual(rows.rows.map((row) => row.id).sort(), [fresh.data.createUploadUrl.asset.id, ready.id].sort());
    assert.equal(await stack.storage.head(staleStaged), null);
    assert.equal(await stack.storage.head(staleAsset.key), null);
  });

  it("also removes a REJECTED upload's object sent again through its still-valid URL", async () => {
    const account = await register(stack);
    const { ticket, completed } = await upload(account.client, { purpose: "AVATAR", contentType: "image/png", bytes: PNG, declaredSize: 5 });
    assert.equal(completed.data.completeUpload.status, "REJECTED");
    await fetch(ticket.uploadUrl, { method: "PUT", headers: { "Content-Type": "image/png" }, body: PNG });
    assert.ok(await stack.storage.head(stagedKey(stack, ticket.uploadUrl)), "the URL still worked for a while");
    await stack.db.query("update content.media_assets set created_at = now() - interval '25 hours' where id = $1", [ticket.asset.id]);
    await stack.subgraph("content").runJobNow("sweep-stale-uploads");
    assert.equal(await stack.storage.head(stagedKey(stack, ticket.uploadUrl)), null);
    assert.equal((await stack.db.query("select 1 from content.media_assets where id = $1", [ticket.asset.id])).rowCount, 0);
  });
});

describe("the stale-upload sweep runs by itself", () => {
  it("removes an expired PENDING upload on its schedule", async () => {
    const stack = await startStack({ subgraphs: { content: { settings: { pendingUploadMaxAgeMs: 300 }, jobIntervalsMs: { "sweep-stale-uploads": 100 } } } });
    try {
      const account = await register(stack);
      const ticket = await account.client.op("CreateUploadUrl", { input: { filename: "s.png", contentType: "image/png", sizeBytes: 10, purpose: "AVATAR" } });
      const id = ticket.data.createUploadUrl.asset.id;
      const deadline = Date.now() + 10_000;
      let remaining = 1;
      while (remaining && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        remaining = (await stack.db.query("select 1 from content.media_assets where id = $1", [id])).rowCount ?? 0;
      }
      assert.equal(remaining, 0);
    } finally {
      await stack.close();
    }
  });
});

describe("completions while the store is slow to copy", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: TestObjectStore;
  let proxy: Awaited<ReturnType<typeof startCopyHoldingProxy>>;
  let content: RunningSubgraph;
  let db: Client;
  before(async () => {
    database = await createTestDatabase("uploads-slow-store");
    store = await startTestObjectStore();
    proxy = await startCopyHoldingProxy(store.config.endpoint!);
    const descriptor = loadSubgraph("content");
    content = await runSubgraph(descriptor, {
      databaseUrl: database.url,
      storage: { ...store.config, endpoint: proxy.url },
      jobIntervalsMs: Object.fromEntries(jobNames(descriptor).map((job) => [job, 0])),
    });
    db = new Client({ connectionString: database.url });
    await db.connect();
  });
  after(async () => {
    await db.end();
    await content.close();
    await proxy.close();
    await store.close();
    await database.drop();
  });

  /** Content called directly, as the gateway would, signed in as `identity`. */
  const call = async (identity: Identity, query: string, variables: object) => {
    const response = await fetch(content.url, {
      method: "POST",
      headers: { "content-type": "application/json", [IDENTITY_HEADER]: await signIdentity(identity) },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: any; errors?: any[] };
  };
  const student = (): Identity => ({ kind: "user", userId: crypto.randomUUID(), role: "STUDENT", sessionId: crypto.randomUUID() });
  const COMPLETE = "mutation ($id: ID!) { completeUpload(assetId: $id) { id status } }";
  /** A PENDING avatar with its bytes PUT (through the proxy) to its staging key. */
  const staged = async (owner: Identity) => {
    const ticket = (
      await call(owner, "mutation ($input: CreateUploadUrlInput!) { createUploadUrl(input: $input) { uploadUrl asset { id } } }", {
        input: { filename: "a.png", contentType: "image/png", sizeBytes: PNG.length, purpose: "AVATAR" },
      })
    ).data.createUploadUrl;
    assert.equal((await fetch(ticket.uploadUrl, { method: "PUT", headers: { "Content-Type": "image/png" }, body: PNG })).status, 200);
    return ticket.asset.id as string;
  };
  // Generous: on a slow, shared machine 14 completions can take more than 10 s to reach the store;
  // one that holds a database connection while copying would never let the last ones reach it.
  const copiesHeld = async (count: number) => {
    const deadline = Date.now() + 30_000;
    while (proxy.held < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    return proxy.held;
  };

  it("holds no database connection while copying: more completions than the pool all finish, and other requests are served meanwhile", async () => {
    const poolSize = content.orm.config.get("pool")?.max;
    assert.ok(poolSize);
    const owner = student();
    const assets: string[] = [];
    for (let i = 0; i < poolSize + 4; i++) assets.push(await staged(owner));
    const completions = assets.map((id) => call(owner, COMPLETE, { id }));
    try {
      const held = await copiesHeld(assets.length);
      // Every completion is in the store's hands now: a request that needs the database still gets it.
      const other = await Promise.race([
        call(owner, "query ($id: ID!) { mediaAsset(id: $id) { status } }", { id: assets[0] }),
        new Promise<{ data: string }>((resolve) => setTimeout(() => resolve({ data: "not served within 5 s" }), 5_000)),
      ]);
      assert.deepEqual({ held, other: other.data }, { held: assets.length, other: { mediaAsset: { status: "PENDING" } } });
    } finally {
      proxy.release();
    }
    const finished = await Promise.all(completions);
    assert.deepEqual(
      finished.map((result) => result.errors ?? result.data.completeUpload.status),
      Array(assets.length).fill("READY"),
    );
  });

  it("leaves an upload being completed to its completion when the sweep comes by", async () => {
    const owner = student();
    const id = await staged(owner);
    await db.query("update content.media_assets set created_at = now() - interval '25 hours' where id = $1", [id]);
    proxy.hold();
    const completion = call(owner, COMPLETE, { id });
    try {
      assert.equal(await copiesHeld(1), 1);
      await content.runJobNow("sweep-stale-uploads");
    } finally {
      proxy.release();
    }
    assert.equal((await completion).data?.completeUpload.status, "READY", JSON.stringify(await completion));
  });
});

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { GATEWAY_KEY_HEADER, anonymousGatewayKey } from "@solo/kit";
import { Stack, register, startStack, tableSnapshot } from "../src/stack";
import { registerWithRole, upload, uploadReady } from "../src/content-fixtures";

const PNG = Buffer.from("\x89PNG\r\n\x1a\n fake image bytes for the tests");

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
    assert.deepEqual([...url.searchParams.keys()].filter((key) => key.toLowerCase().startsWith("x-amz-checksum")), []);
    assert.equal(url.searchParams.get("X-Amz-Content-Sha256"), "UNSIGNED-PAYLOAD");
    const expiresIn = new Date(ticket.expiresAt).getTime() - Date.now();
    assert.ok(expiresIn > 890_000 && expiresIn <= 900_000, `expiresAt ${expiresIn} ms away`);
    assert.deepEqual(ticket.headers, [
      { name: "Content-Type", value: "image/png" },
      { name: "Content-Length", value: "1234" },
    ]);
    const { asset } = ticket;
    assert.equal(asset.key, `users/${account.user.id}/avatar/${asset.id}`, "the key names owner, purpose and asset, never the filename");
    assert.ok(url.pathname.endsWith(`/${stack.storageConfig.bucket}/${asset.key}`));
    assert.deepEqual({ status: asset.status, purpose: asset.purpose, contentType: asset.contentType, sizeBytes: asset.sizeBytes }, {
      status: "PENDING",
      purpose: "AVATAR",
      contentType: "image/png",
      sizeBytes: 1234,
    });
  });

  it("marks an upload READY when the stored object matches, and serves it by a signed GET", async () => {
    const account = await register(stack);
    const { ticket, completed } = await upload(account.client, { purpose: "AVATAR", contentType: "image/png", bytes: PNG, filename: "me.png" });
    assert.equal(completed.errors, undefined);
    const asset = completed.data.completeUpload;
    assert.deepEqual({ status: asset.status, sizeBytes: asset.sizeBytes, contentType: asset.contentType }, {
      status: "READY",
      sizeBytes: PNG.length,
      contentType: "image/png",
    });
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
    assert.equal(await stack.storage.head(ticket.asset.key), null, "the object is gone");
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
    assert.equal(await stack.storage.head(ticket.asset.key), null);
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
    const before = await tableSnapshot(stack);
    for (const assetId of [othersAvatar.id, pending.data.createUploadUrl.asset.id, "not-a-uuid", "00000000-0000-4000-8000-000000000000"]) {
      const refused = await account.client.op("UpdateProfile", { input: { avatarAssetId: assetId } });
      assert.equal(refused.errors?.[0].extensions?.code, "BAD_USER_INPUT", assetId);
    }
    assert.deepEqual(await tableSnapshot(stack), before);

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

  it("chooses the API-key scope by purpose", async () => {
    const { registerWithRole: withRole } = await import("../src/content-fixtures");
    const marketer = await withRole(stack, "MARKETER");
    const keyWith = async (scopes: string[]) =>
      stack.client({ apiKey: (await marketer.client.op("CreateApiKey", { input: { name: "k", scopes } })).data.createApiKey.secret });
    const csv = { input: { filename: "leads.csv", contentType: "text/csv", sizeBytes: 10, purpose: "LEAD_IMPORT" } };
    assert.equal((await (await keyWith(["leads:write"])).op("CreateUploadUrl", csv)).errors, undefined);
    assert.equal((await (await keyWith(["content:write"])).op("CreateUploadUrl", csv)).errors?.[0].extensions?.code, "FORBIDDEN");
  });

  it("hides private uploads from entity references; shows public ones once READY", async () => {
    const { registerWithRole: withRole } = await import("../src/content-fixtures");
    const marketer = await withRole(stack, "MARKETER");
    const leads = await uploadReady(marketer.client, "LEAD_IMPORT", "text/csv", Buffer.from("name,email\nA,a@x.test\n"));
    const avatar = await uploadReady(marketer.client, "AVATAR", "image/png", PNG);
    const entities = async (id: string) => {
      const response = await fetch(stack.contentUrl, {
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
    // The client uploaded but never completed; a day and a bit later…
    await stack.storage.put(staleAsset.key, PNG, "image/png");
    await stack.db.query("update content.media_assets set created_at = now() - interval '25 hours' where id = any($1)", [[staleAsset.id, ready.id]]);
    await stack.content.sweepUploads();
    const rows = await stack.db.query("select id from content.media_assets where owner_id = $1", [account.user.id]);
    assert.deepEqual(rows.rows.map((row) => row.id).sort(), [fresh.data.createUploadUrl.asset.id, ready.id].sort());
    assert.equal(await stack.storage.head(staleAsset.key), null);
  });

  it("also removes a REJECTED upload's object sent again through its still-valid URL", async () => {
    const account = await register(stack);
    const { ticket, completed } = await upload(account.client, { purpose: "AVATAR", contentType: "image/png", bytes: PNG, declaredSize: 5 });
    assert.equal(completed.data.completeUpload.status, "REJECTED");
    await fetch(ticket.uploadUrl, { method: "PUT", headers: { "Content-Type": "image/png" }, body: PNG });
    assert.ok(await stack.storage.head(ticket.asset.key), "the URL still worked for a while");
    await stack.db.query("update content.media_assets set created_at = now() - interval '25 hours' where id = $1", [ticket.asset.id]);
    await stack.content.sweepUploads();
    assert.equal(await stack.storage.head(ticket.asset.key), null);
    assert.equal((await stack.db.query("select 1 from content.media_assets where id = $1", [ticket.asset.id])).rowCount, 0);
  });
});

describe("the stale-upload sweep runs by itself", () => {
  it("removes an expired PENDING upload on its schedule", async () => {
    const stack = await startStack({ content: { sweepIntervalMs: 100, pendingUploadMaxAgeMs: 300 } });
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

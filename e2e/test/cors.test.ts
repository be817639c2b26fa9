import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import WebSocket from "ws";
import type { Stack } from "../src/stack";
import { register, startStack } from "../src/stack";

const ALLOWED = ["https://app.example.test", "http://localhost:*"];

/** Opens a graphql-ws socket with the given Origin (or none): the HTTP status the upgrade got. */
function upgradeStatus(stack: Stack, origin?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(stack.wsUrl, "graphql-transport-ws", origin ? { origin } : {});
    socket.on("open", () => {
      socket.close();
      resolve(101);
    });
    socket.on("unexpected-response", (_request, response) => {
      resolve(response.statusCode ?? 0);
      response.resume();
    });
    socket.on("error", reject);
  });
}

function preflight(url: string, origin: string, method: string, headers: string) {
  return fetch(url, { method: "OPTIONS", headers: { origin, "access-control-request-method": method, "access-control-request-headers": headers } });
}

describe("browser origins (CORS_ORIGINS) over HTTP, WebSocket and the object store", () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ gateway: { corsOrigins: ALLOWED } });
  });
  after(() => stack.close());

  it("answers a preflight from an allowed origin with the methods and headers a client needs", async () => {
    for (const origin of ["https://app.example.test", "http://localhost:5173"]) {
      const response = await preflight(stack.url, origin, "POST", "authorization,x-api-key,content-type,x-request-id");
      assert.equal(response.status, 204, origin);
      assert.equal(response.headers.get("access-control-allow-origin"), origin);
      assert.match(response.headers.get("access-control-allow-methods") ?? "", /\bPOST\b/);
      const headers = (response.headers.get("access-control-allow-headers") ?? "").split(/,\s*/);
      for (const header of ["authorization", "x-api-key", "content-type", "x-request-id"]) assert.ok(headers.includes(header), header);
      assert.match(response.headers.get("vary") ?? "", /Origin/);
    }
  });

  it("refuses a preflight from any other origin, without CORS headers", async () => {
    for (const origin of ["https://evil.example.test", "http://localhost", "https://localhost:5173", "http://127.0.0.1:5173"]) {
      const response = await preflight(stack.url, origin, "POST", "content-type,authorization");
      assert.equal(response.status, 403, origin);
      assert.equal(response.headers.get("access-control-allow-origin"), null, origin);
    }
  });

  it("lets an allowed page read answers, errors included, and leaves requests without an Origin alone", async () => {
    const account = await register(stack);
    const fromApp = await stack.client({ token: account.accessToken, headers: { origin: "https://app.example.test" } }).request("{ me { id } }");
    assert.equal(fromApp.data.me.id, account.user.id);
    assert.equal(fromApp.headers.get("access-control-allow-origin"), "https://app.example.test");
    assert.match(fromApp.headers.get("access-control-expose-headers") ?? "", /Retry-After/);
    const refused = await stack.client({ token: "nonsense", headers: { origin: "https://app.example.test" } }).request("{ me { id } }");
    assert.equal(refused.errors?.[0].extensions?.code, "UNAUTHENTICATED");
    assert.equal(refused.headers.get("access-control-allow-origin"), "https://app.example.test", "so the page can read why");
    const fromServer = await stack.client({ token: account.accessToken }).request("{ me { id } }");
    assert.equal(fromServer.data.me.id, account.user.id);
    assert.equal(fromServer.headers.get("access-control-allow-origin"), null);
    const fromElsewhere = await stack.client({ headers: { origin: "https://evil.example.test" } }).request("{ __typename }");
    assert.equal(fromElsewhere.headers.get("access-control-allow-origin"), null, "a browser would not hand this answer to the page");
  });

  it("refuses a WebSocket upgrade from another origin with 403; allowed, same-host and Origin-less upgrades open", async () => {
    assert.equal(await upgradeStatus(stack, "https://evil.example.test"), 403);
    assert.equal(await upgradeStatus(stack, "http://127.0.0.1:5173"), 403);
    assert.equal(await upgradeStatus(stack, "https://app.example.test"), 101);
    assert.equal(await upgradeStatus(stack, "http://localhost:5173"), 101);
    assert.equal(await upgradeStatus(stack, stack.origin), 101, "the gateway's own pages (the dashboard)");
    assert.equal(await upgradeStatus(stack), 101, "servers send no Origin");
  });

  it("lets allowed origins PUT to the local object store's presigned URLs, and no others", async () => {
    await stack.storage.allowBrowserOrigins(ALLOWED);
    const account = await register(stack);
    const ticket = await account.client.op("CreateUploadUrl", { input: { filename: "a.png", contentType: "image/png", sizeBytes: 10, purpose: "AVATAR" } });
    const { uploadUrl } = ticket.data.createUploadUrl;
    const allowed = await preflight(uploadUrl, "http://localhost:5173", "PUT", "content-type");
    assert.equal(allowed.status, 200);
    assert.ok(allowed.headers.get("access-control-allow-origin"));
    assert.match(allowed.headers.get("access-control-allow-methods") ?? "", /\bPUT\b/);
    assert.equal((await preflight(uploadUrl, "https://evil.example.test", "PUT", "content-type")).status, 403);
  });
});

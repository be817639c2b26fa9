import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { createAuthenticator } from "../src/authenticate";
import { CredentialCache } from "../src/credential-cache";

/*
 * The gateway fails closed when the users subgraph cannot vouch for a credential, and says why in
 * its log: here users answers with a shape its declaration does not allow (a version skew).
 */
describe("the gateway's credentials check, when users answers out of its declaration", () => {
  let server: http.Server;
  let usersUrl: string;

  before(async () => {
    server = http.createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ apiKeyId: "not-a-uuid", scopes: "all" }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    usersUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("refuses with SERVICE_UNAVAILABLE and logs the call that failed and why", async () => {
    const logs: string[] = [];
    const logger = pino({ level: "warn" }, { write: (line: string) => logs.push(line) });
    const cache = new CredentialCache({ ttlMs: 60_000, maxEntries: 10 });
    const authenticate = createAuthenticator({ usersUrl: () => usersUrl, logger, cache });

    await assert.rejects(authenticate({ apiKey: "solo_0123456789abcdef" }), (error: { extensions?: { code?: string } }) => {
      assert.equal(error.extensions?.code, "SERVICE_UNAVAILABLE");
      return true;
    });
    assert.equal(logs.length, 1, logs.join("\n"));
    const entry = JSON.parse(logs[0]) as { msg: string; err: { message: string } };
    assert.equal(entry.msg, "credentials check with the users subgraph failed");
    assert.match(entry.err.message, /internal call to \/internal\/api-keys\/verify failed/);
    assert.doesNotMatch(logs[0], /solo_0123456789abcdef/, "the key itself is not logged");
    assert.equal(cache.size, 0, "a failed check is not kept");
  });
});

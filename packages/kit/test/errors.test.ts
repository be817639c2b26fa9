import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { clientExtensions, rateLimited, rateLimitedRequest } from "../src/errors";

describe("RATE_LIMITED", () => {
  it("says when to come back, in whole seconds and at least one", () => {
    const refused = rateLimited("Too many verification mails", 59_001, { reason: "X" });
    assert.equal(refused.message, "Too many verification mails: retry in 60 s");
    assert.deepEqual(refused.extensions, { code: "RATE_LIMITED", retryAfterSeconds: 60, reason: "X" });
    assert.equal(rateLimited("Soon", 0).extensions.retryAfterSeconds, 1);
    assert.equal(rateLimited("Soon", -5_000).message, "Soon: retry in 1 s");
  });

  it("before execution, also answers HTTP 429 with Retry-After, which the client's extensions leave out", () => {
    const refused = rateLimitedRequest("Too many requests", 12_500);
    assert.equal(refused.message, "Too many requests: retry in 13 s");
    assert.deepEqual(refused.extensions.http, { status: 429, headers: new Map([["retry-after", "13"]]) });
    assert.deepEqual(clientExtensions(refused), { code: "RATE_LIMITED", retryAfterSeconds: 13 });
  });
});

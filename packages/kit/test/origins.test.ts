import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { corsOriginsFromEnv, originMatcher, parseCorsOrigins } from "../src/origins";

describe("CORS_ORIGINS", () => {
  const saved = { CORS_ORIGINS: process.env.CORS_ORIGINS, NODE_ENV: process.env.NODE_ENV };
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it("defaults to any port on loopback in development and to nothing in production", () => {
    delete process.env.CORS_ORIGINS;
    delete process.env.NODE_ENV;
    assert.deepEqual(corsOriginsFromEnv(), ["http://localhost:*", "http://127.0.0.1:*"]);
    process.env.NODE_ENV = "production";
    assert.deepEqual(corsOriginsFromEnv(), []);
    process.env.CORS_ORIGINS = " https://App.Example.com , http://localhost:3000";
    assert.deepEqual(corsOriginsFromEnv(), ["https://app.example.com", "http://localhost:3000"]);
  });

  it("refuses what is not an origin or a pattern with * for the port", () => {
    for (const bad of ["*", "example.com", "https://*.example.com", "https://example.com/", "https://example.com/app", "ftp://example.com", "http://localhost:*:*"]) {
      assert.throws(() => parseCorsOrigins(bad), /CORS_ORIGINS/, bad);
    }
  });

  it("matches exact origins, and any port where the port is *", () => {
    const allowed = originMatcher(parseCorsOrigins("https://app.example.com,http://localhost:*"));
    for (const origin of ["https://app.example.com", "HTTPS://APP.EXAMPLE.COM", "http://localhost:3000", "http://localhost:65535"]) assert.ok(allowed(origin), origin);
    for (const origin of [
      "http://app.example.com",
      "https://app.example.com:8443",
      "https://evil.app.example.com",
      "http://localhost",
      "http://localhost:3000.evil.com",
      "http://localhost.evil.com:3000",
      "https://localhost:3000",
      "null",
    ]) {
      assert.ok(!allowed(origin), origin);
    }
  });
});

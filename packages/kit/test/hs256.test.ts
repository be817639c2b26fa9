import assert from "node:assert/strict";
import crypto from "node:crypto";
import { describe, it } from "node:test";
import { SignJWT, jwtVerify } from "jose";
import { signHs256, verifyHs256 } from "../src/hs256";

const SECRET = "s".repeat(43);
const NOW = 2_000_000_000;
const expected = { issuer: "solo-gateway", audience: "solo-subgraphs", nowSeconds: NOW };
const claims = { identity: { kind: "anonymous" }, iss: "solo-gateway", aud: "solo-subgraphs", iat: NOW - 10, exp: NOW + 50 };
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("HS256 tokens between platform services", () => {
  it("are standard JWTs both ways: jose verifies ours and we verify jose's", async () => {
    const key = new TextEncoder().encode(SECRET);
    const { payload } = await jwtVerify(signHs256(claims, SECRET), key, {
      issuer: "solo-gateway",
      audience: "solo-subgraphs",
      algorithms: ["HS256"],
      currentDate: new Date(NOW * 1000),
    });
    assert.deepEqual(payload, claims);
    const theirs = await new SignJWT({ identity: { kind: "anonymous" } })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("solo-gateway")
      .setAudience("solo-subgraphs")
      .setIssuedAt(NOW)
      .setExpirationTime(NOW + 60)
      .sign(key);
    assert.deepEqual(verifyHs256(theirs, SECRET, expected)?.identity, { kind: "anonymous" });
  });

  it("refuse another key, a changed payload, a cut or padded signature, `none`, another algorithm and critical headers", async () => {
    const token = signHs256(claims, SECRET);
    const [header, payload, signature] = token.split(".");
    assert.equal(verifyHs256(token, "t".repeat(43), expected), null, "another key");
    assert.equal(verifyHs256(`${header}.${encode({ ...claims, identity: { kind: "user", role: "ADMIN" } })}.${signature}`, SECRET, expected), null);
    assert.equal(verifyHs256(`${header}.${payload}.`, SECRET, expected), null);
    assert.equal(verifyHs256(`${header}.${payload}.${signature.slice(0, -2)}`, SECRET, expected), null);
    assert.equal(verifyHs256(`${header}.${payload}.${signature}AA`, SECRET, expected), null);
    assert.equal(verifyHs256(`${encode({ alg: "none" })}.${payload}.`, SECRET, expected), null);
    const resigned = (headerValue: object) => {
      const input = `${encode(headerValue)}.${payload}`;
      return `${input}.${signHs256Raw(input)}`;
    };
    assert.ok(verifyHs256(resigned({ alg: "HS256", typ: "JWT" }), SECRET, expected), "a typ header is fine");
    assert.equal(verifyHs256(resigned({ alg: "HS512" }), SECRET, expected), null);
    assert.equal(verifyHs256(resigned({ alg: "HS256", crit: ["exp"] }), SECRET, expected), null);
    assert.equal(verifyHs256(resigned({ alg: "HS256", b64: false }), SECRET, expected), null);
    for (const malformed of ["", "a.b", "a.b.c.d", `${header}.bm90IGpzb24.${signature}`, `${header}.${encode([1])}.x`]) {
      assert.equal(verifyHs256(malformed, SECRET, expected), null, malformed);
    }
  });

  it("check expiry, start and audience on every call, also for a token whose signature they remember", () => {
    const token = signHs256(claims, SECRET);
    assert.ok(verifyHs256(token, SECRET, expected));
    assert.ok(verifyHs256(token, SECRET, expected), "remembered");
    assert.equal(verifyHs256(token, SECRET, { ...expected, nowSeconds: NOW + 50 }), null, "exp is the first second it is no longer valid");
    assert.ok(verifyHs256(token, SECRET, { ...expected, nowSeconds: NOW + 49 }));
    assert.equal(verifyHs256(token, SECRET, { ...expected, audience: "solo-internal" }), null);
    assert.equal(verifyHs256(token, SECRET, { ...expected, issuer: "solo" }), null);
    assert.equal(verifyHs256(token, "t".repeat(43), expected), null, "remembered under another key: checked again");
    assert.equal(verifyHs256(signHs256({ ...claims, exp: undefined }, SECRET), SECRET, expected), null, "no exp");
    assert.equal(verifyHs256(signHs256({ ...claims, nbf: NOW + 5 }, SECRET), SECRET, expected), null, "not yet valid");
    assert.ok(verifyHs256(signHs256({ ...claims, aud: ["other", "solo-subgraphs"] }, SECRET), SECRET, expected), "one of its audiences");
  });
});

function signHs256Raw(input: string): string {
  return crypto.createHmac("sha256", SECRET).update(input).digest("base64url");
}

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SignJWT } from "jose";
import { ANONYMOUS, Identity, signIdentity, signServiceToken, verifyIdentity, verifyServiceToken } from "../src/identity";
import { checkAccess } from "../src/access";

const student: Identity = { kind: "user", userId: "u1", role: "STUDENT", sessionId: "s1" };
const key: Identity = { kind: "apiKey", userId: "u2", role: "ADMIN", apiKeyId: "k1", scopes: ["users:read"] };

describe("forwarded identity", () => {
  it("round-trips what the gateway signed", async () => {
    assert.deepEqual(await verifyIdentity(await signIdentity(student)), student);
    assert.deepEqual(await verifyIdentity(await signIdentity(key)), key);
  });

  it("treats missing, forged and unsigned headers as anonymous", async () => {
    assert.deepEqual(await verifyIdentity(undefined), ANONYMOUS);
    const forged = await new SignJWT({ identity: { ...student, role: "ADMIN" } })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("solo-gateway")
      .setAudience("solo-subgraphs")
      .setExpirationTime("1m")
      .sign(new TextEncoder().encode("x".repeat(43)));
    assert.deepEqual(await verifyIdentity(forged), ANONYMOUS);
    const [header, payload] = (await signIdentity(student)).split(".");
    assert.deepEqual(await verifyIdentity(`${header}.${payload}.`), ANONYMOUS);
    const none = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${payload}.`;
    assert.deepEqual(await verifyIdentity(none), ANONYMOUS);
  });

  it("does not accept a service token as an identity, or the reverse", async () => {
    assert.deepEqual(await verifyIdentity(await signServiceToken("gateway")), ANONYMOUS);
    assert.equal(await verifyServiceToken(await signIdentity(student)), null);
    assert.equal(await verifyServiceToken(await signServiceToken("gateway")), "gateway");
  });
});

describe("field access rules", () => {
  const code = (fn: () => void) => {
    try {
      fn();
      return "allowed";
    } catch (error: any) {
      return error.extensions.code;
    }
  };

  it("needs a signed-in caller", () => {
    assert.equal(code(() => checkAccess(ANONYMOUS, {})), "UNAUTHENTICATED");
    assert.equal(code(() => checkAccess(student, {})), "allowed");
  });

  it("checks roles", () => {
    assert.equal(code(() => checkAccess(student, { roles: ["ADMIN"] })), "FORBIDDEN");
    assert.equal(code(() => checkAccess({ ...student, role: "ADMIN" }, { roles: ["ADMIN"] })), "allowed");
  });

  it("lets an API key call only fields with a scope it holds, and only as far as its owner's role goes", () => {
    assert.equal(code(() => checkAccess(key, {})), "FORBIDDEN");
    assert.equal(code(() => checkAccess(key, { scope: "users:write" })), "FORBIDDEN");
    assert.equal(code(() => checkAccess(key, { scope: "users:read", roles: ["ADMIN"] })), "allowed");
    assert.equal(code(() => checkAccess({ ...key, role: "STUDENT" }, { scope: "users:read", roles: ["ADMIN"] })), "FORBIDDEN");
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SignJWT, decodeJwt } from "jose";
import { ManualClock } from "../src/clock";
import type { Identity } from "../src/identity";
import {
  ANONYMOUS,
  SIGNED_IDENTITY_MIN_REMAINING_MS,
  SignedIdentity,
  readSignedIdentity,
  signIdentity,
  signServiceToken,
  verifyIdentity,
  verifyServiceToken,
} from "../src/identity";
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

describe("a request's signed identity", () => {
  const msLeft = (token: string, clock: ManualClock) => decodeJwt(token).exp! * 1000 - clock.now().getTime();

  it("is signed once for the fetches of a quick request", async () => {
    const clock = new ManualClock();
    const signed = new SignedIdentity(student, clock);
    const first = await signed.token();
    clock.advance(5_000);
    assert.equal(await signed.token(), first);
    assert.deepEqual(await readSignedIdentity(first), student);
  });

  it("is signed again before a later fetch of a slow request would carry too little of its life", async () => {
    const clock = new ManualClock();
    const signed = new SignedIdentity(student, clock);
    let previous = await signed.token();
    assert.ok(msLeft(previous, clock) > 59_000);
    // Fetches one after another, each taking up to SUBGRAPH_TIMEOUT_MS (30 s): the identity the
    // first one carried would have expired by the third.
    let signatures = 1;
    for (let fetch = 1; fetch <= 20; fetch++) {
      clock.advance(29_999);
      const token = await signed.token();
      assert.ok(msLeft(token, clock) >= SIGNED_IDENTITY_MIN_REMAINING_MS, `fetch ${fetch} left with ${msLeft(token, clock)} ms of its identity`);
      if (token !== previous) {
        signatures += 1;
        assert.ok(msLeft(previous, clock) < SIGNED_IDENTITY_MIN_REMAINING_MS, `fetch ${fetch} signed again with ${msLeft(previous, clock)} ms left`);
      }
      previous = token;
    }
    assert.ok(signatures > 10, `${signatures} signatures over 600 s`);
  });

  it("reuses a signature while it has the margin left, and not a moment after", async () => {
    const clock = new ManualClock(new Date("2030-01-01T00:00:00.000Z"));
    const signed = new SignedIdentity(student, clock);
    const first = await signed.token();
    assert.equal(decodeJwt(first).exp, Date.parse("2030-01-01T00:01:00.000Z") / 1000);
    clock.set(new Date("2030-01-01T00:00:30.000Z"));
    assert.equal(await signed.token(), first, "exactly the margin left: still good");
    clock.set(new Date("2030-01-01T00:00:30.001Z"));
    const second = await signed.token();
    assert.notEqual(second, first);
    assert.equal(decodeJwt(second).exp, Date.parse("2030-01-01T00:01:30.000Z") / 1000);
  });
});

describe("an identity's token across requests", () => {
  const msLeft = (token: string, clock: ManualClock) => decodeJwt(token).exp! * 1000 - clock.now().getTime();

  it("is shared by the requests of one caller while it has the margin left, and never by another caller or role", async () => {
    const clock = new ManualClock(new Date("2031-03-01T00:00:00.000Z"));
    const first = await new SignedIdentity(student, clock).token();
    clock.advance(10_000);
    assert.equal(await new SignedIdentity({ ...student }, clock).token(), first, "the same caller's next request");
    assert.notEqual(await new SignedIdentity({ ...student, role: "INSTRUCTOR" }, clock).token(), first, "after a role change");
    assert.notEqual(await new SignedIdentity({ ...student, sessionId: "s2" }, clock).token(), first, "another session");
    clock.advance(20_001);
    const later = await new SignedIdentity(student, clock).token();
    assert.notEqual(later, first, "less than the margin left: a new token");
    assert.ok(msLeft(later, clock) > 59_000);
  });

  it("is not taken from a later time when the clock goes back", async () => {
    const clock = new ManualClock(new Date("2032-06-01T00:00:30.000Z"));
    const late = await new SignedIdentity(key, clock).token();
    clock.set(new Date("2032-06-01T00:00:00.000Z"));
    const early = await new SignedIdentity(key, clock).token();
    assert.notEqual(early, late);
    assert.equal(decodeJwt(early).iat, Date.parse("2032-06-01T00:00:00.000Z") / 1000);
  });

  it("reads the same whether its signature is checked the first time or remembered, until it expires", async () => {
    const token = await signIdentity(student);
    assert.deepEqual(await readSignedIdentity(token), student);
    assert.deepEqual(await readSignedIdentity(token), student);
    const expired = await signIdentity(student, new Date(Date.now() - 61_000));
    assert.equal(await readSignedIdentity(expired), null);
  });

  it("gives each service one token while it has the margin left, which the other services accept", async () => {
    const token = await signServiceToken("gateway");
    assert.equal(await signServiceToken("gateway"), token);
    assert.notEqual(await signServiceToken("content"), token);
    assert.equal(await verifyServiceToken(token), "gateway");
    assert.equal(decodeJwt(token).aud, "solo-internal");
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
    assert.equal(
      code(() => checkAccess(ANONYMOUS, {})),
      "UNAUTHENTICATED",
    );
    assert.equal(
      code(() => checkAccess(student, {})),
      "allowed",
    );
  });

  it("checks roles", () => {
    assert.equal(
      code(() => checkAccess(student, { roles: ["ADMIN"] })),
      "FORBIDDEN",
    );
    assert.equal(
      code(() => checkAccess({ ...student, role: "ADMIN" }, { roles: ["ADMIN"] })),
      "allowed",
    );
  });

  it("lets an API key call only fields with a scope it holds, and only as far as its owner's role goes", () => {
    assert.equal(
      code(() => checkAccess(key, {})),
      "FORBIDDEN",
    );
    assert.equal(
      code(() => checkAccess(key, { scope: "users:write" })),
      "FORBIDDEN",
    );
    assert.equal(
      code(() => checkAccess(key, { scope: "users:read", roles: ["ADMIN"] })),
      "allowed",
    );
    assert.equal(
      code(() => checkAccess({ ...key, role: "STUDENT" }, { scope: "users:read", roles: ["ADMIN"] })),
      "FORBIDDEN",
    );
  });
});

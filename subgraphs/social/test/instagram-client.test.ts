import assert from "node:assert/strict";
import { inspect } from "node:util";
import { after, before, describe, it } from "node:test";
import { freePort } from "@solo/kit";
import type { InstagramStandIn } from "@solo/tools/dist/src/instagram-stand-in";
import { startInstagramStandIn } from "@solo/tools/dist/src/instagram-stand-in";
import { InstagramClient, InstagramError } from "../src/services/instagram-client";

/*
 * The Instagram client against the local stand-in over real HTTP: the publishing steps, and how each
 * kind of failure is sorted for the worker (retry, reconnect, give up), never with the token in it.
 */
describe("the Instagram client", () => {
  // Characters a URL or form would encode, so a leak in either spelling is caught.
  const ALICE = { token: "IGAA-alice secret/token+1=", userId: "17841400000000001", username: "alice" };
  const BOB = { token: "IGAA-bob-secret-token", userId: "17841400000000002", username: "bob" };
  const TOKENS = [ALICE.token, BOB.token, encodeURIComponent(ALICE.token), new URLSearchParams({ t: ALICE.token }).toString().slice(2)];
  let standIn: InstagramStandIn;
  let client: InstagramClient;
  const errors: InstagramError[] = [];

  before(async () => {
    standIn = await startInstagramStandIn({ videoProcessingMs: 400 });
    standIn.addAccount(ALICE);
    standIn.addAccount(BOB);
    client = new InstagramClient({ baseUrl: standIn.url, timeoutMs: 2_000 });
  });
  after(() => standIn.close());

  /** The InstagramError the call fails with, kept for the token check at the end. */
  async function failure(call: Promise<unknown>): Promise<InstagramError> {
    const error = await call.then(
      () => assert.fail("expected the call to fail"),
      (reason: unknown) => reason,
    );
    assert.ok(error instanceof InstagramError, `not an InstagramError: ${inspect(error)}`);
    errors.push(error);
    return error;
  }
  const image = (caption: string, account = ALICE) =>
    client.createContainer({ igUserId: account.userId, accessToken: account.token, caption, mediaUrl: "https://cdn.example/p.jpg", contentType: "image/jpeg" });

  it("says whose token it is", async () => {
    assert.deepEqual(await client.me(ALICE.token), { userId: ALICE.userId, username: "alice" });
  });

  it("creates a container, sees it FINISHED, publishes it once, and is refused (for good) a second publish", async () => {
    const containerId = await image("Launch day #solo");
    assert.equal(await client.containerStatus(containerId, ALICE.token), "FINISHED");
    const mediaId = await client.publish({ igUserId: ALICE.userId, containerId, accessToken: ALICE.token });
    assert.notEqual(mediaId, containerId);
    assert.equal(await client.containerStatus(containerId, ALICE.token), "PUBLISHED");
    const record = standIn.published().find((entry) => entry.containerId === containerId);
    assert.deepEqual({ ...record, at: undefined }, { igUserId: ALICE.userId, containerId, mediaId, caption: "Launch day #solo", at: undefined });

    const again = await failure(client.publish({ igUserId: ALICE.userId, containerId, accessToken: ALICE.token }));
    assert.deepEqual([again.status, again.code, again.retryable, again.tokenInvalid], [400, 100, false, false]);
    assert.equal(standIn.publishCount(containerId), 1);
  });

  it("keeps containers to the account that made them", async () => {
    const containerId = await image("Alice's", ALICE);
    const publish = await failure(client.publish({ igUserId: BOB.userId, containerId, accessToken: BOB.token }));
    assert.deepEqual([publish.code, publish.subcode, publish.retryable], [24, 2207006, false]);
    const status = await failure(client.containerStatus(containerId, BOB.token));
    assert.deepEqual([status.code, status.retryable], [100, false]);
    // Nor can Bob's token publish as Alice.
    const asAlice = await failure(client.publish({ igUserId: ALICE.userId, containerId, accessToken: BOB.token }));
    assert.equal(asAlice.retryable, false);
    assert.equal(standIn.publishCount(containerId), 0);
  });

  it("publishes a video as a reel once it has finished processing; before, the refusal is retryable", async () => {
    const containerId = await client.createContainer({
      igUserId: ALICE.userId,
      accessToken: ALICE.token,
      caption: "A reel",
      mediaUrl: "https://cdn.example/v.mp4",
      contentType: "video/mp4",
    });
    assert.equal(await client.containerStatus(containerId, ALICE.token), "IN_PROGRESS");
    const early = await failure(client.publish({ igUserId: ALICE.userId, containerId, accessToken: ALICE.token }));
    assert.deepEqual([early.code, early.subcode, early.retryable], [9007, 2207027, true]);
    assert.equal(standIn.publishCount(containerId), 0);
    await new Promise((resolve) => setTimeout(resolve, 450));
    assert.equal(await client.containerStatus(containerId, ALICE.token), "FINISHED");
    await client.publish({ igUserId: ALICE.userId, containerId, accessToken: ALICE.token });
    assert.equal(standIn.publishCount(containerId), 1);
  });

  it("sorts Instagram's failures: 5xx, 429 and the transient and rate-limit codes are retryable, 190 means reconnect, others are final", async () => {
    const cases = [
      { status: 500, code: 1, retryable: true },
      { status: 503, code: 2, retryable: true },
      { status: 429, code: 100, retryable: true },
      ...[1, 2, 4, 17, 32, 341, 613].map((code) => ({ status: 400, code, retryable: true })),
      { status: 400, code: 100, retryable: false },
      { status: 403, code: 10, retryable: false },
      { status: 400, code: 190, retryable: false, tokenInvalid: true },
      { status: 500, code: 190, retryable: false, tokenInvalid: true },
    ];
    for (const expected of cases) {
      standIn.failNext("me", 1, { status: expected.status, code: expected.code, message: "injected" });
      const error = await failure(client.me(ALICE.token));
      assert.deepEqual(
        { status: error.status, code: error.code, retryable: error.retryable, tokenInvalid: error.tokenInvalid },
        { status: expected.status, code: expected.code, retryable: expected.retryable, tokenInvalid: expected.tokenInvalid ?? false },
      );
    }
  });

  it("a 500 from media_publish is retryable, records nothing, and the retry publishes", async () => {
    const containerId = await image("Retry me");
    standIn.failNext("media_publish", 1);
    const error = await failure(client.publish({ igUserId: ALICE.userId, containerId, accessToken: ALICE.token }));
    assert.deepEqual([error.status, error.retryable, error.tokenInvalid], [500, true, false]);
    assert.equal(standIn.publishCount(containerId), 0);
    await client.publish({ igUserId: ALICE.userId, containerId, accessToken: ALICE.token });
    assert.equal(standIn.publishCount(containerId), 1);
  });

  it("an unknown token is tokenInvalid and not retryable, on every call", async () => {
    const stranger = "IGAA-stranger-secret-token";
    TOKENS.push(stranger);
    for (const call of [
      () => client.me(stranger),
      () => client.createContainer({ igUserId: ALICE.userId, accessToken: stranger, caption: "x", mediaUrl: "https://cdn.example/p.jpg", contentType: "image/png" }),
      () => client.publish({ igUserId: ALICE.userId, containerId: "1", accessToken: stranger }),
      () => client.containerStatus("1", stranger),
      () => client.publishingLimit(ALICE.userId, stranger),
    ]) {
      const error = await failure(call());
      assert.deepEqual([error.code, error.tokenInvalid, error.retryable], [190, true, false]);
    }
  });

  it("an answer slower than timeoutMs is a retryable timeout; the publish it was waiting for did happen", async () => {
    const impatient = new InstagramClient({ baseUrl: standIn.url, timeoutMs: 150 });
    standIn.delayNext("status", 1, 600);
    const status = await failure(impatient.containerStatus("1", ALICE.token));
    assert.deepEqual([status.status, status.retryable, status.tokenInvalid], [undefined, true, false]);
    assert.match(status.message, /timed out after 150 ms/);

    const containerId = await image("Slow answer");
    standIn.delayNext("media_publish", 1, 600);
    const publish = await failure(impatient.publish({ igUserId: ALICE.userId, containerId, accessToken: ALICE.token }));
    assert.equal(publish.retryable, true);
    // What the worker must reconcile: Instagram published although the client heard nothing.
    assert.equal(standIn.publishCount(containerId), 1);
    assert.equal(await client.containerStatus(containerId, ALICE.token), "PUBLISHED");
  });

  it("tells onPublished of a publish before the answer goes out", async () => {
    const containerId = await image("Watched");
    const seen: string[] = [];
    standIn.onPublished = async (event) => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      seen.push(event.containerId);
    };
    try {
      const mediaId = await client.publish({ igUserId: ALICE.userId, containerId, accessToken: ALICE.token });
      assert.deepEqual(seen, [containerId]);
      assert.equal(standIn.published().find((entry) => entry.containerId === containerId)?.mediaId, mediaId);
    } finally {
      standIn.onPublished = undefined;
    }
  });

  it("a network failure is retryable", async () => {
    const nobody = new InstagramClient({ baseUrl: `http://127.0.0.1:${await freePort()}/v23.0`, timeoutMs: 2_000 });
    const error = await failure(nobody.me(ALICE.token));
    assert.deepEqual([error.status, error.retryable], [undefined, true]);
    assert.match(error.message, /ECONNREFUSED/);
  });

  it("past the daily limit, publishing is refused with the rate-limit error (retryable) and publishingLimit reports the usage", async () => {
    const limited = await startInstagramStandIn({ open: true, dailyLimit: 2 });
    try {
      const limitedClient = new InstagramClient({ baseUrl: limited.url, timeoutMs: 2_000 });
      const token = "dev-limited";
      TOKENS.push(token);
      const { userId, username } = await limitedClient.me(token);
      assert.equal(username, "limited");
      assert.deepEqual(await limitedClient.publishingLimit(userId, token), { used: 0, quota: 2 });
      const post = async () => {
        const containerId = await limitedClient.createContainer({
          igUserId: userId,
          accessToken: token,
          caption: "daily",
          mediaUrl: "https://cdn.example/p.jpg",
          contentType: "image/jpeg",
        });
        return limitedClient.publish({ igUserId: userId, containerId, accessToken: token });
      };
      await post();
      await post();
      assert.deepEqual(await limitedClient.publishingLimit(userId, token), { used: 2, quota: 2 });

      const refused = await failure(post());
      assert.deepEqual([refused.status, refused.code, refused.subcode, refused.retryable, refused.tokenInvalid], [400, 9, 2207042, true, false]);
      assert.equal(limited.published().length, 2);
      assert.deepEqual(await limitedClient.publishingLimit(userId, token), { used: 2, quota: 2 });
    } finally {
      await limited.close();
    }
  });

  it("an answer that echoes the token, whole or cut short, leaves none of it in the error", async () => {
    const encoded = encodeURIComponent(ALICE.token);
    for (const echo of [ALICE.token, ALICE.token.slice(0, 12), ALICE.token.slice(-12), encoded.slice(3, 20)]) {
      standIn.failNext("me", 1, { status: 400, code: 100, message: `Invalid parameter access_token=${echo}… (${"x".repeat(5_000)})` });
      const error = await failure(client.me(ALICE.token));
      assert.ok(!error.message.includes(echo), error.message);
      assert.match(error.message, /access_token=\[access token\]/);
      assert.ok(error.message.length < 1_200, "Instagram's message is cut short");
    }
  });

  it("never puts a token in an error", () => {
    assert.ok(errors.length >= 25, `only ${errors.length} errors were seen`);
    for (const error of errors) {
      const text = inspect(error);
      for (const token of TOKENS) assert.ok(!text.includes(token), `a token in: ${text}`);
    }
  });
});

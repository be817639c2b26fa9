import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { SoloClient, Tokens } from "@solo/client";
import {
  LiveStudyStatsDocument,
  LoginDocument,
  MeDocument,
  RecordStudyProgressDocument,
  SoloRequestError,
  StartStudySessionDocument,
  createSoloClient,
} from "@solo/client";
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, platformSecrets, projectRoot } from "@solo/kit";
import { SignJWT, decodeJwt, importPKCS8 } from "jose";
import WebSocket from "ws";
import type { Stack } from "../src/stack";
import { register, startStack } from "../src/stack";
import { publishedCourse, registerWithRole } from "../src/content-fixtures";
import { publishedTest } from "../src/assessment-fixtures";
import { startSocketDropper } from "../src/socket-dropper";

/** The same user's access token for the same login, expiring at `exp` (seconds): what the users subgraph would have signed. */
async function reissued(accessToken: string, exp: number): Promise<string> {
  const claims = decodeJwt(accessToken);
  return new SignJWT({ role: claims.role, sid: claims.sid })
    .setProtectedHeader({ alg: "EdDSA" })
    .setSubject(String(claims.sub))
    .setIssuer(ACCESS_TOKEN_ISSUER)
    .setAudience(ACCESS_TOKEN_AUDIENCE)
    .setIssuedAt(Math.floor(Date.now() / 1000) - 60)
    .setExpirationTime(exp)
    .sign(await importPKCS8(platformSecrets().jwtPrivateKey, "EdDSA"));
}

/** The JSON body the client sent (it always sends a string). */
const sentBody = (init: RequestInit | undefined): string => (typeof init?.body === "string" ? init.body : "");

/** Resolves when `check` holds, polling; fails after `timeoutMs` with `what`. */
async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("@solo/client on Node against a running platform", () => {
  let stack: Stack;
  let courseId: string;
  const clients: SoloClient[] = [];
  /** A client of the stack, closed after the suite. */
  const client = (options: Omit<Parameters<typeof createSoloClient>[0], "url"> = {}) => {
    const created = createSoloClient({ url: stack.url, live: { WebSocket, reconnectDelayMs: () => 50, ...options.live }, ...options });
    clients.push(created);
    return created;
  };

  before(async () => {
    stack = await startStack();
    const instructor = await registerWithRole(stack, "INSTRUCTOR", "Client Instructor");
    courseId = (await publishedCourse(instructor.client, "Typed client course", { lessons: 2 })).id;
    await publishedTest(instructor.client, [{ correctOption: 0 }], { title: "Typed client mock" });
  });
  after(async () => {
    await Promise.allSettled(clients.map((created) => created.close()));
    await stack?.close();
  });

  it("runs the partner example: an API key lists the catalog and the mock tests", { timeout: 30_000 }, async () => {
    const owner = await register(stack);
    const created = await owner.client.op("CreateApiKey", { input: { name: "partner example", scopes: ["content:read", "assessments:read"] } });
    assert.equal(created.errors, undefined, JSON.stringify(created.errors));
    const script = path.join(projectRoot(), "examples", "partner", "dist", "src", "partner.js");
    const runScript = (apiKey: string) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [script], { env: { ...process.env, SOLO_API_URL: stack.url, SOLO_API_KEY: apiKey }, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk) => (stdout += chunk));
        child.stderr.on("data", (chunk) => (stderr += chunk));
        child.on("exit", (code) => resolve({ code, stdout, stderr }));
      });

    const run = await runScript(created.data.createApiKey.secret);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^\d+ published courses$/m);
    assert.match(run.stdout, /^- Typed client course \(beginner, 2 lessons\) by Client Instructor$/m);
    assert.match(run.stdout, /^- Typed client mock: 1 questions, \d+ marks, \d+ min$/m);

    const refused = await runScript("solo_not_a_real_key");
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /The API refused: UNAUTHENTICATED/);
  });

  it("refreshes a refused access token once, then retries the request, for every request waiting on it", async () => {
    const account = await register(stack);
    const seen: (Tokens | undefined)[] = [];
    // The login's own access token, expired a minute ago.
    const expired = await reissued(account.accessToken, Math.floor(Date.now() / 1000) - 60);
    const user = client({ tokens: { accessToken: expired, refreshToken: account.refreshToken }, onTokens: (tokens) => seen.push(tokens) });

    const answers = await Promise.all([user.request(MeDocument), user.request(MeDocument), user.request(MeDocument)]);
    for (const { me } of answers) assert.equal(me?.id, account.user.id);
    assert.equal(seen.length, 1, "three requests refused together share one refresh (the refresh token rotates)");
    assert.notEqual(seen[0]?.refreshToken, account.refreshToken);
    assert.equal(user.tokens, seen[0]);
    // The old refresh token is retired: the client kept the new one.
    const reused = await stack.client().op("RefreshSession", { refreshToken: account.refreshToken });
    assert.equal(reused.errors?.[0].extensions?.code, "UNAUTHENTICATED");
  });

  it("gives up, and forgets the tokens, when the refresh token is refused too", async () => {
    const account = await register(stack);
    const seen: (Tokens | undefined)[] = [];
    const user = client({ tokens: { accessToken: "not-a-token", refreshToken: "not-a-refresh-token" }, onTokens: (tokens) => seen.push(tokens) });
    await assert.rejects(user.request(MeDocument), (error: unknown) => error instanceof SoloRequestError && error.has("UNAUTHENTICATED"));
    assert.deepEqual(seen, [undefined]);
    assert.equal(user.tokens, undefined);
    assert.equal((await user.signIn(account.email, account.password)).id, account.user.id, "and signs in again");
    assert.equal((await user.request(MeDocument)).me?.id, account.user.id);
  });

  it("does not refresh and rerun an operation that ran and answered UNAUTHENTICATED itself (a wrong password)", async () => {
    const account = await register(stack);
    const seen: (Tokens | undefined)[] = [];
    const sent: string[] = [];
    const counting: typeof fetch = (input, init) => {
      sent.push(sentBody(init));
      return fetch(input, init);
    };
    const user = client({ tokens: { accessToken: account.accessToken, refreshToken: account.refreshToken }, fetch: counting, onTokens: (tokens) => seen.push(tokens) });

    await assert.rejects(
      user.request(LoginDocument, { email: account.email, password: "not the password" }),
      (error: unknown) => error instanceof SoloRequestError && error.has("UNAUTHENTICATED") && error.status !== 401,
    );
    assert.equal(sent.length, 1, "sent once: no refresh, no second run");
    assert.deepEqual(seen, []);
    assert.equal((await user.request(MeDocument)).me?.id, account.user.id, "the access token was never the problem");
  });

  it("keeps the tokens when the refresh fails for another reason than a refusal (a proxy's 503 page), and refreshes later", async () => {
    const account = await register(stack);
    const seen: (Tokens | undefined)[] = [];
    const expired = await reissued(account.accessToken, Math.floor(Date.now() / 1000) - 60);
    // A load balancer in front of the API answering the refresh with its own error page, until it recovers.
    let upstreamDown = true;
    const throughProxy: typeof fetch = (input, init) =>
      upstreamDown && sentBody(init).includes("refreshSession")
        ? Promise.resolve(new Response("<html><body>503 Service Unavailable</body></html>", { status: 503, headers: { "content-type": "text/html" } }))
        : fetch(input, init);
    const tokens = { accessToken: expired, refreshToken: account.refreshToken };
    const user = client({ tokens, fetch: throughProxy, onTokens: (changed) => seen.push(changed) });

    await assert.rejects(user.request(MeDocument), (error: unknown) => error instanceof SoloRequestError && error.status === 503);
    assert.equal(seen.length, 0, "the tokens were neither cleared nor replaced");
    assert.equal(user.tokens, tokens);

    upstreamDown = false;
    assert.equal((await user.request(MeDocument)).me?.id, account.user.id, "the kept refresh token still works");
    assert.equal(seen.length, 1);
    assert.notEqual(seen[0]?.refreshToken, account.refreshToken);
  });

  it("uploads with a streamed body, reporting progress up to the whole file, and completes the upload", async () => {
    const account = await register(stack);
    const user = client({ tokens: { accessToken: account.accessToken, refreshToken: account.refreshToken } });
    const bytes = new Uint8Array(700 * 1024).map((_, index) => index % 251);
    const progress: number[] = [];
    const asset = await user.upload({ body: bytes, filename: "me.png", contentType: "image/png", purpose: "AVATAR", onProgress: ({ loaded }) => progress.push(loaded) });
    assert.equal(asset.status, "READY");
    assert.equal(asset.sizeBytes, bytes.byteLength);
    assert.ok(progress.length > 3, `progress: ${progress.join(", ")}`);
    assert.equal(progress[0], 0);
    assert.equal(progress.at(-1), bytes.byteLength);
    assert.deepEqual(
      [...progress].sort((a, b) => a - b),
      progress,
      "never goes back",
    );
    const download = await fetch(asset.url!);
    assert.deepEqual(new Uint8Array(await download.arrayBuffer()), bytes);
  });

  it("keeps live updates going through a dropped connection: reconnects, resubscribes, and events resume", { timeout: 30_000 }, async () => {
    const gateway = new URL(stack.url);
    const dropper = await startSocketDropper({ host: gateway.hostname, port: Number(gateway.port) });
    let live: SoloClient | undefined;
    try {
      const watcher = await register(stack);
      const learner = client({ tokens: { accessToken: (await register(stack)).accessToken, refreshToken: "" } });
      const connected: boolean[] = [];
      live = client({
        wsUrl: `ws://127.0.0.1:${dropper.port}${gateway.pathname}`,
        tokens: { accessToken: watcher.accessToken, refreshToken: watcher.refreshToken },
        live: { onConnected: (reconnected) => connected.push(reconnected) },
      });
      const events: number[] = [];
      const errors: unknown[] = [];
      const stop = live.subscribe(
        LiveStudyStatsDocument,
        { courseId },
        { next: (data) => events.push(data.liveStudyStats.activeSessions), error: (error) => errors.push(error) },
      );
      await until("the subscription to start", () => connected.length === 1 && dropper.open > 0);

      const session = (await learner.request(StartStudySessionDocument, { input: { courseId } })).startStudySession;
      await until("the first event", () => events.includes(1));

      dropper.dropAll();
      await until("a reconnect", () => connected.length === 2);
      assert.deepEqual(connected, [false, true]);
      const before = events.length;
      // The subscription is back on the new socket: an event caused now arrives.
      for (let progress = 10; events.length === before; progress += 10) {
        await learner.request(RecordStudyProgressDocument, { sessionId: session.id, input: { progressPercent: progress, addFocusSeconds: 0 } });
        await new Promise((resolve) => setTimeout(resolve, 100));
        assert.ok(progress < 100, "no event after the reconnect");
      }
      assert.deepEqual(errors, []);
      stop();
    } finally {
      await live?.close();
      await dropper.close();
    }
  });

  it("refreshes the token when a subscription ends for its expired token, and resubscribes with the new one", { timeout: 30_000 }, async () => {
    const watcher = await register(stack);
    const learner = client({ tokens: { accessToken: (await register(stack)).accessToken, refreshToken: "" } });
    const seen: (Tokens | undefined)[] = [];
    // Valid for two more seconds: the gateway ends the subscription with UNAUTHENTICATED then.
    const shortLived = await reissued(watcher.accessToken, Math.floor(Date.now() / 1000) + 2);
    const connected: boolean[] = [];
    const live = client({
      tokens: { accessToken: shortLived, refreshToken: watcher.refreshToken },
      onTokens: (tokens) => seen.push(tokens),
      live: { onConnected: (reconnected) => connected.push(reconnected) },
    });
    const events: number[] = [];
    const errors: unknown[] = [];
    live.subscribe(LiveStudyStatsDocument, { courseId }, { next: (data) => events.push(data.liveStudyStats.focusSecondsToday), error: (error) => errors.push(error) });
    await until("the first connection", () => connected.length === 1);
    await until("the token's expiry, a refresh and a new connection", () => seen.length === 1 && connected.length === 2, 15_000);
    assert.notEqual(seen[0]?.accessToken, shortLived);

    const before = events.length;
    await learner.request(StartStudySessionDocument, { input: { courseId } });
    await until("an event on the renewed subscription", () => events.length > before);
    assert.deepEqual(errors, []);
  });
  it("retries a refresh that failed on the network while subscriptions wait, instead of ending them", { timeout: 30_000 }, async () => {
    const watcher = await register(stack);
    const learner = client({ tokens: { accessToken: (await register(stack)).accessToken, refreshToken: "" } });
    const seen: (Tokens | undefined)[] = [];
    const shortLived = await reissued(watcher.accessToken, Math.floor(Date.now() / 1000) + 1);
    // The first two refreshes never reach the API (the network is down); the third does.
    let refreshes = 0;
    const flakyNetwork: typeof fetch = (input, init) => {
      if (sentBody(init).includes("refreshSession") && ++refreshes <= 2) return Promise.reject(new TypeError("fetch failed"));
      return fetch(input, init);
    };
    const connected: boolean[] = [];
    const live = client({
      tokens: { accessToken: shortLived, refreshToken: watcher.refreshToken },
      fetch: flakyNetwork,
      onTokens: (tokens) => seen.push(tokens),
      live: { onConnected: (reconnected) => connected.push(reconnected) },
    });
    const events: number[] = [];
    const errors: unknown[] = [];
    live.subscribe(LiveStudyStatsDocument, { courseId }, { next: (data) => events.push(data.liveStudyStats.activeSessions), error: (error) => errors.push(error) });
    await until("the token's expiry, three refresh attempts and a new connection", () => seen.length === 1 && connected.length === 2, 15_000);
    assert.equal(refreshes, 3);
    assert.deepEqual(errors, [], "the subscription was kept through the failed refreshes");

    const before = events.length;
    await learner.request(StartStudySessionDocument, { input: { courseId } });
    await until("an event on the renewed subscription", () => events.length > before);
    assert.deepEqual(errors, []);
  });
});

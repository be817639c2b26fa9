import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { launchChromium, withoutChromium } from "../src/browser";
import type { Stack } from "../src/stack";
import { register, startStack } from "../src/stack";
import { publishedCourse, registerWithRole, uploadReady } from "../src/content-fixtures";

const PNG = Buffer.from("\x89PNG\r\n\x1a\n bytes a browser uploads");

/** A web app's origin: an empty page on a loopback port of its own, reached as http://localhost:<port>. */
async function servePage(): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer((_request, response) => response.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>app</title>"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://localhost:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

interface PageOutcome {
  query: { ok: true; data: unknown } | { ok: false; error: string };
  subscription: { events: number; error: string | null };
  put: { ok: true; status: number } | { ok: false; error: string };
  /** What completeUpload then said: READY, or the error's reason. */
  completed: string;
}

/**
 * What an app on `page`'s origin does: a query over fetch, a graphql-ws subscription that should see
 * an event, and an upload PUT to a presigned URL. Each is caught, so the outcome says which failed.
 */
async function actFromPage(stack: Stack, page: Page, trigger: () => Promise<void>): Promise<PageOutcome> {
  const account = await register(stack);
  await page.addScriptTag({ url: `${stack.origin}/dashboard/graphql-ws.min.js` });
  const query = await page.evaluate(
    async ({ url, token }) => {
      try {
        const response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: "{ me { id } }" }),
        });
        return { ok: true as const, data: ((await response.json()) as { data: unknown }).data };
      } catch (error) {
        return { ok: false as const, error: String(error) };
      }
    },
    { url: stack.url, token: account.accessToken },
  );

  await page.evaluate(
    ({ url, token }) => {
      const live = ((globalThis as any).live = { events: 0, error: null as string | null });
      const client = (globalThis as any).graphqlWs.createClient({ url, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
      client.subscribe(
        { query: "subscription { liveStudyStats { activeSessions } }" },
        {
          next: () => (live.events += 1),
          error: (error: any) => (live.error = [error?.constructor?.name, error?.type, error?.code, error?.message].filter((part) => part !== undefined).join(" ")),
          complete: () => undefined,
        },
      );
    },
    { url: stack.wsUrl, token: account.accessToken },
  );
  // Events until one arrives or the socket has failed (the subscription may start after the first).
  const deadline = Date.now() + 10_000;
  let subscription = await page.evaluate(() => ({ ...(globalThis as any).live }));
  while (!subscription.events && !subscription.error && Date.now() < deadline) {
    await trigger();
    await new Promise((resolve) => setTimeout(resolve, 250));
    subscription = await page.evaluate(() => ({ ...(globalThis as any).live }));
  }
  if (subscription.error) {
    // Failed for good: events after the failure reach nobody.
    await trigger();
    await new Promise((resolve) => setTimeout(resolve, 500));
    subscription = await page.evaluate(() => ({ ...(globalThis as any).live }));
  }

  const ticket = await account.client.op("CreateUploadUrl", { input: { filename: "p.png", contentType: "image/png", sizeBytes: PNG.length, purpose: "AVATAR" } });
  const { uploadUrl, asset } = ticket.data.createUploadUrl;
  const put = await page.evaluate(
    async ({ url, bytes }) => {
      try {
        const response = await fetch(url, { method: "PUT", headers: { "Content-Type": "image/png" }, body: new Uint8Array(bytes) });
        return { ok: true as const, status: response.status };
      } catch (error) {
        return { ok: false as const, error: String(error) };
      }
    },
    { url: uploadUrl, bytes: [...PNG] },
  );
  const completed = await account.client.op("CompleteUpload", { assetId: asset.id });
  return { query, subscription, put, completed: completed.data?.completeUpload?.status ?? completed.errors?.[0].extensions?.reason };
}

/** Pages from an allowed origin and from another one, in Debian's Chromium (installed by .ci/run). */
describe("pages from other origins in a browser (CORS_ORIGINS)", { skip: withoutChromium }, () => {
  let stack: Stack;
  let browser: Browser;
  let allowedPage: Awaited<ReturnType<typeof servePage>>;
  let otherPage: Awaited<ReturnType<typeof servePage>>;
  let trigger: () => Promise<void>;

  before(async () => {
    allowedPage = await servePage();
    otherPage = await servePage();
    // Only the first page's origin: the second differs from it by its port alone.
    stack = await startStack({ gateway: { corsOrigins: [allowedPage.origin] } });
    await stack.storage.allowBrowserOrigins([allowedPage.origin]);
    const instructor = await registerWithRole(stack, "INSTRUCTOR");
    const course = await publishedCourse(instructor.client, "Origins course");
    trigger = async () => {
      const learner = await register(stack);
      const started = await learner.client.op("StartStudySession", { input: { courseId: course.id } });
      if (started.errors) throw new Error(JSON.stringify(started.errors));
    };
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
    await allowedPage?.close();
    await otherPage?.close();
  });

  it("runs a query, a subscription and an upload PUT from an allowed origin", { timeout: 60_000 }, async () => {
    const page = await browser.newPage();
    await page.goto(allowedPage.origin);
    const outcome = await actFromPage(stack, page, trigger);
    assert.ok(outcome.query.ok && (outcome.query.data as any).me.id, JSON.stringify(outcome.query));
    assert.ok(outcome.subscription.events > 0 && !outcome.subscription.error, JSON.stringify(outcome.subscription));
    assert.deepEqual(outcome.put, { ok: true, status: 200 });
    assert.equal(outcome.completed, "READY");
  });

  it("can do none of the three from an origin not in CORS_ORIGINS", { timeout: 60_000 }, async () => {
    const page = await browser.newPage();
    // Chromium reports why each attempt failed on the page's console.
    const reports: string[] = [];
    page.on("console", (message) => message.type() === "error" && reports.push(message.text()));
    await page.goto(otherPage.origin);
    const outcome = await actFromPage(stack, page, trigger);
    assert.deepEqual(outcome.query, { ok: false, error: "TypeError: Failed to fetch" });
    assert.ok(
      reports.some((text) =>
        text.startsWith(`Access to fetch at '${stack.url}' from origin '${otherPage.origin}' has been blocked by CORS policy: Response to preflight`),
      ),
      reports.join("\n"),
    );
    assert.deepEqual(outcome.subscription, { events: 0, error: "Event error" });
    assert.ok(reports.includes(`WebSocket connection to '${stack.wsUrl}' failed: Error during WebSocket handshake: Unexpected response code: 403`), reports.join("\n"));
    assert.deepEqual(outcome.put, { ok: false, error: "TypeError: Failed to fetch" });
    assert.ok(
      reports.some((text) => text.startsWith(`Access to fetch at '${stack.storageConfig.endpoint}/`) && text.includes("blocked by CORS policy: Response to preflight")),
      reports.join("\n"),
    );
    assert.equal(outcome.completed, "OBJECT_NOT_UPLOADED", "the PUT was never sent");
  });

  it("saves a downloaded document instead of rendering it, whatever its bytes", { timeout: 60_000 }, async () => {
    const marketer = await registerWithRole(stack, "MARKETER");
    const html = Buffer.from("<!doctype html><title>leads</title><script>document.title = 'ran'</script>");
    const leads = await uploadReady(marketer.client, "LEAD_IMPORT", "text/csv", html);
    const page = await browser.newPage();
    await page.goto(allowedPage.origin);
    const [download] = await Promise.all([page.waitForEvent("download"), page.goto(leads.url).catch(() => undefined)]);
    assert.equal(download.suggestedFilename(), "file.bin");
    assert.equal(await page.title(), "app", "the page stayed where it was; the document never ran");
  });
});

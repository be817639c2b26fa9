import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { buildWebExample } from "@solo/example-web";
import { serveWebExample } from "@solo/example-web/dist/src/serve";
import type { Browser } from "playwright-core";
import { launchChromium, withoutChromium } from "../src/browser";
import type { Stack } from "../src/stack";
import { PASSWORD, register, startStack } from "../src/stack";
import { publishedCourse, registerWithRole } from "../src/content-fixtures";

/** examples/web as a person uses it: built with esbuild, served from its own origin, in Chromium. */
describe("the web example in a browser, from another origin", { skip: withoutChromium }, () => {
  let stack: Stack;
  let browser: Browser;
  let page: { origin: string; close(): Promise<void> };
  let dir: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "solo-web-example-"));
    page = await serveWebExample(await buildWebExample(dir));
    // The page's origin, and only it, may call the API and PUT to the bucket.
    stack = await startStack({ gateway: { corsOrigins: [page.origin] } });
    await stack.storage.allowBrowserOrigins([page.origin]);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
    await page?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("signs in, lists courses, uploads an avatar with progress through the middle to 100 %, and shows live study stats", { timeout: 90_000 }, async () => {
    assert.notEqual(page.origin, stack.origin);
    const instructor = await registerWithRole(stack, "INSTRUCTOR", "Web Instructor");
    const course = await publishedCourse(instructor.client, "Web example course", { lessons: 3 });
    const viewer = await register(stack, { displayName: "Web Viewer" });

    const tab = await browser.newPage();
    const apiCalls: Promise<string | null>[] = [];
    tab.on("request", (request) => request.url().startsWith(stack.url) && apiCalls.push(request.headerValue("origin")));
    await tab.goto(`${page.origin}/?api=${encodeURIComponent(stack.url)}`);
    await tab.fill("input[name=email]", viewer.email);
    await tab.fill("input[name=password]", PASSWORD);
    await tab.click("button[type=submit]");
    await tab.waitForSelector("text=Signed in as Web Viewer", { timeout: 10_000 });
    const origins = await Promise.all(apiCalls);
    assert.ok(origins.length && origins.every((origin) => origin === page.origin), `API calls from ${origins.join(", ")}`);

    await tab.waitForSelector(`#course-list li:has-text("Web example course · beginner · 3 lessons · Web Instructor")`, { timeout: 10_000 });

    // Live stats: the page is subscribed; someone starts studying and the count moves.
    await tab.waitForFunction(`document.getElementById("live-connection")?.textContent === "(live)"`, undefined, { timeout: 10_000 });
    const learner = await register(stack);
    await learner.client.op("StartStudySession", { input: { courseId: course.id } });
    await tab.waitForFunction(`document.getElementById("active-sessions")?.textContent === "1"`, undefined, { timeout: 10_000 });

    // Every percentage the page shows, as it shows it.
    await tab.evaluate(`(() => {
      const shown = (window.shownPercents = []);
      const output = document.getElementById("upload-percent");
      new MutationObserver(() => shown.push(output.textContent)).observe(output, { childList: true, characterData: true, subtree: true });
    })()`);
    // Uploads on loopback finish before Chromium reports any progress between the ends: throttle this
    // tab's uploads (about a second for the file) so the bar has to move through the middle.
    const devtools = await tab.context().newCDPSession(tab);
    await devtools.send("Network.enable");
    await devtools.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 3 * 1024 * 1024 });
    const png = Buffer.concat([Buffer.from("\x89PNG\r\n\x1a\n", "binary"), Buffer.alloc(3 * 1024 * 1024, 7)]);
    await tab.setInputFiles("#avatar", { name: "me.png", mimeType: "image/png", buffer: png });
    await tab.waitForSelector("#upload-status:has-text('Uploaded')", { timeout: 30_000 });
    await tab.waitForSelector("#avatar-image:not([hidden])", { timeout: 10_000 });
    const shown = await tab.evaluate<string[]>("window.shownPercents");
    assert.equal(shown.at(-1), "100 %", `shown: ${shown.join(", ")}`);
    const between = shown.map((text) => Number.parseInt(text, 10)).filter((percent) => percent > 0 && percent < 100);
    assert.ok(between.length > 0, `no progress shown between 0 and 100 %: ${shown.join(", ")}`);
    assert.equal(await tab.getAttribute("#upload-progress", "value"), "100");

    // The upload was completed and attached: the API says so too.
    const me = await viewer.client.op("Me");
    assert.ok(me.data.me.avatar?.url, JSON.stringify(me.data));
    const avatarId = me.data.me.avatar.id as string;
    const asset = await viewer.client.op("MediaAsset", { id: avatarId });
    assert.deepEqual({ status: asset.data.mediaAsset.status, sizeBytes: asset.data.mediaAsset.sizeBytes }, { status: "READY", sizeBytes: png.length });
  });
});

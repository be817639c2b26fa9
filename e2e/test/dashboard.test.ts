import assert from "node:assert/strict";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { launchChromium, withoutChromium } from "../src/browser";
import type { Stack } from "../src/stack";
import { PASSWORD, register, startStack } from "../src/stack";
import { publishedCourse, registerWithRole } from "../src/content-fixtures";
import { publishedTest, sit } from "../src/assessment-fixtures";

/** The page as a person sees it, in Debian's Chromium (installed by .ci/run). */
describe("the live dashboard in a browser", { skip: withoutChromium }, () => {
  let stack: Stack;
  let browser: Browser;

  before(async () => {
    stack = await startStack();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  it("signs in, then shows live study counts and a leaderboard that update as people study and submit, and the mail people are sent", { timeout: 60_000 }, async () => {
    const instructor = await registerWithRole(stack, "INSTRUCTOR");
    const course = await publishedCourse(instructor.client, "Dashboard course");
    const test = await publishedTest(instructor.client, [{ correctOption: 0 }, { correctOption: 1 }], { title: "Dashboard mock" });
    const viewer = await register(stack, { displayName: "Dashboard Viewer" });

    const page = await browser.newPage();
    const scripts: string[] = [];
    page.on("request", (request) => request.resourceType() === "script" && scripts.push(request.url()));
    await page.goto(`${stack.origin}/dashboard`);
    await page.fill("input[name=email]", viewer.email);
    await page.fill("input[name=password]", PASSWORD);
    await page.click("button[type=submit]");
    await page.waitForSelector("text=Signed in as Dashboard Viewer");
    assert.ok(scripts.length >= 2 && scripts.every((url) => url.startsWith(stack.origin)), `scripts: ${scripts.join(", ")}`);
    const textIs = (id: string, text: string) =>
      page.waitForFunction(`document.getElementById(${JSON.stringify(id)})?.textContent === ${JSON.stringify(text)}`, undefined, { timeout: 5_000 });
    await textIs("active-sessions", "0");

    // Someone signs up, through the API: their verification mail shows in the development mailbox.
    const learner = await register(stack, { displayName: "Keen Learner" });
    await page.waitForSelector(`#mail-list tr:has-text("${learner.email}"):has-text("Confirm your email address")`, { timeout: 5_000 });
    assert.match((await page.textContent("#mail-list tr")) ?? "", /verify-email\?token=[\w-]{43}/, "newest first, with its link");

    // …starts studying and makes progress.
    const sessionId = (await learner.client.op("StartStudySession", { input: { courseId: course.id } })).data.startStudySession.id;
    await textIs("active-sessions", "1");
    await learner.client.op("RecordStudyProgress", { sessionId, input: { progressPercent: 60, addFocusSeconds: 0 } });
    await textIs("average-progress", "60 %");

    // …and submits an attempt: the leaderboard of the chosen test updates.
    await page.selectOption("#test-select", { label: "Dashboard mock" });
    await sit(learner.client, test.id, test.questionIds, [0, 1]);
    await page.waitForSelector("#leaderboard >> text=Keen Learner", { timeout: 5_000 });
    const row = await page.textContent("#leaderboard tr");
    assert.match(row ?? "", /1\s*Keen Learner\s*2/);
    await page.screenshot({ path: path.join(os.tmpdir(), "solo-dashboard.png") });
  });
});

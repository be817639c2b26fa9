import assert from "node:assert/strict";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import type { InstagramStandIn } from "@solo/tools/dist/src/instagram-stand-in";
import { startInstagramStandIn } from "@solo/tools/dist/src/instagram-stand-in";
import { launchChromium, withoutChromium } from "../src/browser";
import type { Stack } from "../src/stack";
import { PASSWORD, register, startStack, uniqueEmail } from "../src/stack";
import { publishedCourse, registerWithRole } from "../src/content-fixtures";
import { publishedTest, sit } from "../src/assessment-fixtures";

/** The page as a person sees it, in Debian's Chromium (installed by .ci/run). */
describe("the live dashboard in a browser", { skip: withoutChromium }, () => {
  let stack: Stack;
  let browser: Browser;
  let standIn: InstagramStandIn;

  before(async () => {
    // Marketers connect accounts with `dev-<handle>` tokens, which the open stand-in accepts.
    standIn = await startInstagramStandIn({ open: true });
    stack = await startStack({ subgraphs: { social: { env: { INSTAGRAM_GRAPH_URL: standIn.url } } } });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
    await standIn?.close();
  });

  async function signIn(page: Page, email: string, displayName: string) {
    await page.goto(`${stack.origin}/dashboard`);
    await page.fill("input[name=email]", email);
    await page.fill("input[name=password]", PASSWORD);
    await page.click("button[type=submit]");
    await page.waitForSelector(`text=Signed in as ${displayName}`);
  }
  const textIs = (page: Page, id: string, text: string) =>
    page.waitForFunction(`document.getElementById(${JSON.stringify(id)})?.textContent === ${JSON.stringify(text)}`, undefined, { timeout: 5_000 });

  it("signs in, then shows live study counts and a leaderboard that update as people study and submit, and the mail people are sent", { timeout: 60_000 }, async () => {
    const instructor = await registerWithRole(stack, "INSTRUCTOR");
    const course = await publishedCourse(instructor.client, "Dashboard course");
    const test = await publishedTest(instructor.client, [{ correctOption: 0 }, { correctOption: 1 }], { title: "Dashboard mock" });
    const viewer = await register(stack, { displayName: "Dashboard Viewer" });

    const page = await browser.newPage();
    const scripts: string[] = [];
    page.on("request", (request) => request.resourceType() === "script" && scripts.push(request.url()));
    await signIn(page, viewer.email, "Dashboard Viewer");
    assert.ok(scripts.length >= 2 && scripts.every((url) => url.startsWith(stack.origin)), `scripts: ${scripts.join(", ")}`);
    await textIs(page, "active-sessions", "0");

    // Someone signs up, through the API: their verification mail shows in the development mailbox.
    const learner = await register(stack, { displayName: "Keen Learner" });
    await page.waitForSelector(`#mail-list tr:has-text("${learner.email}"):has-text("Confirm your email address")`, { timeout: 5_000 });
    assert.match((await page.textContent("#mail-list tr")) ?? "", /verify-email\?token=[\w-]{43}/, "newest first, with its link");

    // …starts studying and makes progress.
    const sessionId = (await learner.client.op("StartStudySession", { input: { courseId: course.id } })).data.startStudySession.id;
    await textIs(page, "active-sessions", "1");
    await learner.client.op("RecordStudyProgress", { sessionId, input: { progressPercent: 60, addFocusSeconds: 0 } });
    await textIs(page, "average-progress", "60 %");

    // …and submits an attempt: the leaderboard of the chosen test updates.
    await page.selectOption("#test-select", { label: "Dashboard mock" });
    await sit(learner.client, test.id, test.questionIds, [0, 1]);
    await page.waitForSelector("#leaderboard >> text=Keen Learner", { timeout: 5_000 });
    const row = await page.textContent("#leaderboard tr");
    assert.match(row ?? "", /1\s*Keen Learner\s*2/);
    await page.screenshot({ path: path.join(os.tmpdir(), "solo-dashboard.png") });
  });

  it("shows a marketer's account engagement, updated live each time its metrics are recorded", { timeout: 60_000 }, async () => {
    const marketer = await registerWithRole(stack, "MARKETER", "Dashboard Marketer");
    const connected = await marketer.client.op("ConnectSocialAccount", { input: { platform: "INSTAGRAM", handle: "solo.dashboard", accessToken: "dev-solo.dashboard" } });
    assert.equal(connected.errors, undefined, JSON.stringify(connected.errors));
    const accountId = connected.data.connectSocialAccount.id as string;

    const page = await browser.newPage();
    await signIn(page, marketer.email, "Dashboard Marketer");
    await page.waitForSelector("#engagement", { state: "visible", timeout: 5_000 });
    assert.equal(await page.textContent("#account-select option:checked"), "@solo.dashboard");
    await textIs(page, "engagement-rate", "0.00 %");
    await textIs(page, "total-reach", "0");

    /** Records the posts through the API, then waits for the panel to show the rate, the reach and the account's new sync time. */
    const record = async (
      posts: { externalId: string; likes: number; comments: number; saves: number; shares: number; reach: number }[],
      rate: string,
      reach: string,
    ) => {
      const publishedAt = new Date(Date.now() - 3_600_000).toISOString();
      const recorded = await marketer.client.op("RecordPostMetrics", { accountId, posts: posts.map((post) => ({ ...post, publishedAt, impressions: post.reach * 2 })) });
      assert.equal(recorded.errors, undefined, JSON.stringify(recorded.errors));
      await textIs(page, "engagement-rate", rate);
      await textIs(page, "total-reach", reach);
      const syncedAt = (await marketer.client.op("SocialAccounts")).data.socialAccounts[0].lastSyncedAt as string;
      const shown = await page.evaluate((at) => `Metrics updated ${new Date(at).toLocaleTimeString()}`, syncedAt);
      await textIs(page, "engagement-at", shown);
    };
    // (90 + 6 + 3 + 1) + (40 + 5 + 4 + 1) = 150 interactions over 3,000 reached: 5 %.
    await record(
      [
        { externalId: "dash-1", likes: 90, comments: 6, saves: 3, shares: 1, reach: 2_000 },
        { externalId: "dash-2", likes: 40, comments: 5, saves: 4, shares: 1, reach: 1_000 },
      ],
      "5.00 %",
      "3,000",
    );
    // The first post again, with 100 more likes: 250 of 3,000.
    await record([{ externalId: "dash-1", likes: 190, comments: 6, saves: 3, shares: 1, reach: 2_000 }], "8.33 %", "3,000");
    await page.screenshot({ path: path.join(os.tmpdir(), "solo-dashboard-engagement.png") });
  });

  it("shows a marketer's lead pipeline, counts and latest changes, updated live as leads move", { timeout: 60_000 }, async () => {
    const marketer = await registerWithRole(stack, "MARKETER", "Pipeline Marketer");
    const weighted = await marketer.client.op("SetScoringWeights", { weights: [{ signal: "publications", weight: 1 }] });
    assert.equal(weighted.errors, undefined, JSON.stringify(weighted.errors));
    const create = async (name: string, company: string, publications: number) => {
      const created = await marketer.client.op("CreateLead", {
        input: { name, company, email: uniqueEmail("lead"), signals: [{ name: "publications", value: publications }] },
      });
      assert.equal(created.errors, undefined, JSON.stringify(created.errors));
      return created.data.createLead.id as string;
    };
    const move = async (id: string, status: string) => {
      const moved = await marketer.client.op("UpdateLeadStatus", { id, status });
      assert.equal(moved.errors, undefined, JSON.stringify(moved.errors));
    };
    await create("Asha Menon", "Deccan Law University", 0.8);
    const ravi = await create("Ravi Iyer", "LexPrep Academy", 0.55);
    const tara = await create("Tara Das", "Greenfield Public School", 0.3);
    await move(tara, "CONTACTED");

    // Someone with no leads of their own (a student) is refused them, and sees no panel.
    const student = await register(stack, { displayName: "Pipeline Student" });
    const studentPage = await browser.newPage();
    await signIn(studentPage, student.email, "Pipeline Student");

    const page = await browser.newPage();
    await signIn(page, marketer.email, "Pipeline Marketer");
    await page.waitForSelector("#pipeline", { state: "visible", timeout: 5_000 });
    await textIs(page, "pipeline-new", "2");
    await textIs(page, "pipeline-contacted", "1");
    await textIs(page, "pipeline-qualified", "0");
    await textIs(page, "pipeline-converted", "0");
    await textIs(page, "pipeline-lost", "0");
    assert.match((await page.textContent("#pipeline-changes tr")) ?? "", /Tara Das\s*Greenfield Public School\s*CONTACTED\s*30/, "the latest change");

    // A lead moves through the API: the panel counts it at its new stage and lists the change first.
    await move(ravi, "QUALIFIED");
    await textIs(page, "pipeline-qualified", "1");
    await textIs(page, "pipeline-new", "1");
    await page.waitForSelector('#pipeline-changes tr:first-child:has-text("Ravi Iyer")', { timeout: 5_000 });
    assert.match((await page.textContent("#pipeline-changes tr")) ?? "", /Ravi Iyer\s*LexPrep Academy\s*QUALIFIED\s*55/);
    await move(ravi, "CONVERTED");
    await textIs(page, "pipeline-converted", "1");
    await textIs(page, "pipeline-qualified", "0");
    assert.equal(await page.locator("#pipeline-changes tr").count(), 3, "each change listed, newest first");
    assert.match((await page.textContent("#pipeline-changes tr")) ?? "", /Ravi Iyer\s*LexPrep Academy\s*CONVERTED\s*55/);
    await page.screenshot({ path: path.join(os.tmpdir(), "solo-dashboard-pipeline.png") });

    assert.equal(await studentPage.isHidden("#pipeline"), true, "no pipeline for a student");
    assert.doesNotMatch((await studentPage.textContent("#status")) ?? "", /stopped/);
  });
});

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { RunningService } from "@solo/kit";
import { createLogger } from "@solo/kit";
import type { GatewayConfig } from "@solo/gateway";
import { gatewayConfigFromEnv, startGateway } from "@solo/gateway";
import { serverAudits } from "graphql-http";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchChromium, withoutChromium } from "../src/browser";
import { publishedCourse, registerWithRole } from "../src/content-fixtures";
import type { Stack } from "../src/stack";
import { register, startStack } from "../src/stack";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Sets (or, for undefined, removes) environment variables. */
function setEnv(env: Record<string, string | undefined>) {
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

/** The gateway's settings as NODE_ENV and GRAPHIQL give them (the environment is restored afterwards). */
function configWith(env: Record<string, string | undefined>): GatewayConfig {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  try {
    setEnv(env);
    return gatewayConfigFromEnv();
  } finally {
    setEnv(saved);
  }
}

/** The gateway's HTTP face, on one stack: GraphiQL for people, the GraphQL-over-HTTP spec for programs. */
describe("the gateway over HTTP", () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack?.close());

  describe("GraphiQL in Chromium with no network but loopback", { skip: withoutChromium }, () => {
    let browser: Browser;
    let context: BrowserContext;
    const requested: string[] = [];
    const refused: string[] = [];
    before(async () => {
      browser = await launchChromium();
      context = await browser.newContext();
      // The network is cut: anything not on loopback is aborted (and noted).
      await context.route("**/*", (route) => {
        const url = new URL(route.request().url());
        if (url.protocol === "data:" || url.protocol === "blob:" || LOOPBACK.has(url.hostname)) return route.continue();
        refused.push(url.href);
        return route.abort("internetdisconnected");
      });
      context.on("request", (request) => requested.push(request.url()));
    });
    after(() => browser?.close());

    /** Replaces the text of the Monaco editor inside `selector` (typed: Monaco closes brackets and quotes as it goes, and skips over them). */
    async function setEditor(page: Page, selector: string, text: string) {
      await page.locator(`${selector} .monaco-editor .view-lines >> visible=true`).first().click();
      await page.keyboard.press("ControlOrMeta+A");
      await page.keyboard.press("Delete");
      await page.keyboard.type(text);
      await page.keyboard.press("Escape");
    }
    /** Waits for GraphiQL to have read the edited document (its tab takes the operation's name): run sooner, it sends the one before. */
    const operationNamed = (page: Page, name: string) => page.locator(".graphiql-tab-active", { hasText: name }).waitFor({ timeout: 10_000 });
    /** Waits for the response pane to show `text` (a locator: the page's CSP refuses the eval of waitForFunction). */
    const responseShows = (page: Page, text: string, timeout: number) => page.locator(".graphiql-response", { hasText: text }).waitFor({ timeout });
    const response = (page: Page) => page.locator(".graphiql-response .view-lines").innerText();

    it(
      "serves GraphiQL at / from the gateway alone, runs a query with the headers editor's token, shows the docs and receives a subscription event",
      { timeout: 120_000 },
      async () => {
        const instructor = await registerWithRole(stack, "INSTRUCTOR");
        const course = await publishedCourse(instructor.client, "GraphiQL course");
        const student = await register(stack, { displayName: "GraphiQL Learner" });
        const session = (await student.client.op("StartStudySession", { input: { courseId: course.id } })).data.startStudySession;

        const page = await context.newPage();
        const problems: string[] = [];
        page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
        page.on("console", (message) => /Content Security Policy|Refused to/i.test(message.text()) && problems.push(message.text()));
        const loaded = await page.goto(`${stack.origin}/`);
        assert.equal(loaded?.status(), 200);
        assert.match(loaded?.headers()["content-security-policy"] ?? "", /script-src 'self'/);
        await page.waitForSelector(".graphiql-query-editor .monaco-editor", { timeout: 30_000 });

        // A query over HTTP, signed in through the headers editor.
        await page.click("button:has-text('Headers')");
        await setEditor(page, ".graphiql-editor-tool", `{"Authorization": "Bearer ${student.accessToken}"}`);
        await setEditor(page, ".graphiql-query-editor", "query Me { me { displayName } }");
        await operationNamed(page, "Me");
        await page.click(".graphiql-execute-button");
        await responseShows(page, "GraphiQL Learner", 15_000);

        // The docs explorer, from the schema GraphiQL introspected.
        await page.click("[aria-label='Show Documentation Explorer']");
        await page.waitForSelector(".graphiql-doc-explorer >> text=Query", { timeout: 10_000 });

        // A subscription over graphql-ws at the same URL, with the same header: an event arrives.
        await setEditor(page, ".graphiql-query-editor", `subscription Live { studySessionUpdated(sessionId: "${session.id}") { progressPercent } }`);
        await operationNamed(page, "Live");
        await page.click(".graphiql-execute-button");
        // Running: the button offers Stop. When it does not, the response pane says why (a refused subscribe, a closed socket).
        await page
          .waitForSelector(".graphiql-execute-button[aria-label*='Stop']", { timeout: 10_000 })
          .catch(async (error: Error) => assert.fail(`${error.message}; response: ${await response(page).catch(() => "(none)")}`));
        // The subscription is live once the gateway holds it; until then an event could be missed, so send until one shows.
        let progress = 10;
        await assert.doesNotReject(async () => {
          for (;;) {
            await student.client.op("RecordStudyProgress", { sessionId: session.id, input: { progressPercent: progress, addFocusSeconds: 0 } });
            const shown = await responseShows(page, `"progressPercent": ${progress}`, 1_000)
              .then(() => true)
              .catch(() => false);
            if (shown) return;
            if ((progress += 10) > 90) throw new Error(`no event shown; response: ${await response(page)}`);
          }
        });
        assert.deepEqual(problems, []);
        assert.deepEqual(refused, [], "nothing was fetched from outside");
        assert.ok(requested.length > 3 && requested.every((url) => new URL(url).origin === stack.origin), requested.join("\n"));
        assert.ok(
          requested.some((url) => url.endsWith(".worker.js")),
          "Monaco's workers came from the gateway",
        );
      },
    );

    it("is also what a browser gets at /graphql, while API clients get GraphQL there", async () => {
      const page = await context.newPage();
      const loaded = await page.goto(stack.url);
      assert.equal(loaded?.status(), 200);
      assert.match(loaded?.headers()["content-type"] ?? "", /text\/html/);
      await page.waitForSelector(".graphiql-container", { timeout: 30_000 });
      const api = await fetch(`${stack.url}?query=${encodeURIComponent("{ __typename }")}`, { headers: { "apollo-require-preflight": "true" } });
      assert.deepEqual(await api.json(), { data: { __typename: "Query" } });
    });
  });

  describe("GraphiQL off in production unless GRAPHIQL=1", () => {
    const gateways: RunningService[] = [];
    after(async () => {
      for (const gateway of gateways) await gateway.close();
    });
    /** A second gateway in front of the stack's subgraphs, with `env`'s settings. */
    async function gatewayWith(env: Record<string, string | undefined>) {
      const config = configWith(env);
      const gateway = await startGateway(
        {
          ...config,
          port: 0,
          host: "127.0.0.1",
          supergraphSource: "file",
          subgraphUrls: stack.subgraphUrls,
          redisUrl: undefined,
          databaseUrl: undefined,
          devMailboxPath: undefined,
        },
        createLogger("test"),
      );
      gateways.push(gateway);
      return { config, origin: new URL(gateway.url).origin, url: gateway.url };
    }
    const page = (url: string) => fetch(url, { headers: { accept: "text/html,application/xhtml+xml,*/*;q=0.8" } });

    it("serves no GraphiQL in production: 404 at /, JSON at /graphql, no bundle", async () => {
      const production = await gatewayWith({ NODE_ENV: "production", GRAPHIQL: undefined });
      assert.equal(production.config.graphiql, false);
      assert.equal((await page(`${production.origin}/`)).status, 404);
      const atGraphql = await page(production.url);
      assert.match(atGraphql.headers.get("content-type") ?? "", /application\/json/);
      assert.doesNotMatch(await atGraphql.text(), /graphiql/i);
      assert.equal((await fetch(`${production.origin}/graphiql/graphiql.js`)).status, 404);
    });

    it("serves it in production with GRAPHIQL=1, and not in development with GRAPHIQL=0", async () => {
      const on = await gatewayWith({ NODE_ENV: "production", GRAPHIQL: "1" });
      const served = await page(`${on.origin}/`);
      assert.equal(served.status, 200);
      assert.match(await served.text(), /\/graphiql\/graphiql\.js/);
      assert.equal((await fetch(`${on.origin}/graphiql/graphiql.js`)).status, 200);
      assert.equal(configWith({ NODE_ENV: "development", GRAPHIQL: "0" }).graphiql, false);
      assert.equal(configWith({ NODE_ENV: "development", GRAPHIQL: undefined }).graphiql, true);
    });
  });

  /** The GraphQL-over-HTTP spec, as graphql-http's audit suite checks it, and GET next to CSRF prevention. */
  describe("GraphQL over HTTP", () => {
    it("passes every MUST and every SHOULD of graphql-http's server audits", async (t) => {
      const results = await Promise.all(serverAudits({ url: stack.url }).map((audit) => audit.fn()));
      const required = results.filter((result) => result.name.startsWith("MUST") || result.name.startsWith("SHOULD"));
      const failed = required.filter((result) => result.status !== "ok").map((result) => `${result.id} ${result.name}: ${"reason" in result ? result.reason : ""}`);
      t.diagnostic(`${required.length - failed.length} of ${required.length} MUST and SHOULD audits pass`);
      assert.ok(required.filter((result) => result.name.startsWith("SHOULD")).length >= 20, "the SHOULD audits ran");
      assert.deepEqual(failed, []);
    });

    it("answers parse and validation errors 200 in application/json and 400 in application/graphql-response+json", async () => {
      for (const query of ["{ me { id ", "{ me { password } }"]) {
        const post = (accept: string) => fetch(stack.url, { method: "POST", headers: { "content-type": "application/json", accept }, body: JSON.stringify({ query }) });
        const json = await post("application/json");
        assert.equal(json.status, 200, query);
        assert.match(json.headers.get("content-type") ?? "", /^application\/json/);
        assert.equal(((await json.json()) as { data?: unknown }).data, undefined);
        const graphqlResponse = await post("application/graphql-response+json");
        assert.equal(graphqlResponse.status, 400, query);
        assert.match(graphqlResponse.headers.get("content-type") ?? "", /^application\/graphql-response\+json/);
      }
    });

    it("runs queries over GET when a preflight header comes with them, never mutations (405 with Allow), and refuses a simple GET (CSRF)", async () => {
      const account = await register(stack);
      const get = (query: string, headers: Record<string, string>) =>
        fetch(`${stack.url}?query=${encodeURIComponent(query)}`, { headers: { authorization: `Bearer ${account.accessToken}`, ...headers } });
      const query = await get("{ me { id } }", { "apollo-require-preflight": "true" });
      assert.equal(query.status, 200);
      assert.equal(((await query.json()) as { data: { me: { id: string } } }).data.me.id, account.user.id);

      const mutation = await get("mutation { logout }", { "apollo-require-preflight": "true" });
      assert.equal(mutation.status, 405);
      assert.match(mutation.headers.get("allow") ?? "", /^POST$/);
      assert.ok((await account.client.request("{ me { id } }")).data.me, "the session was not logged out");

      // What a page on another site can make a browser send without a preflight: refused before it runs.
      const simple = await get("{ me { id } }", {});
      assert.equal(simple.status, 400);
      assert.match(await simple.text(), /CSRF|preflight/i);
    });
  });
});

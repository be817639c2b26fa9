import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { ANONYMOUS, IDENTITY_HEADER, freePort, projectRoot, signIdentity } from "@solo/kit";
import { createTestDatabase } from "@solo/kit/dist/src/testing";

describe("users subgraph process", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  before(async () => {
    database = await createTestDatabase("shutdown");
  });
  after(() => database.drop());

  /** The users subgraph as a process, as `npm start` runs it, ready; `env` over a real environment. */
  async function startUsers(env: NodeJS.ProcessEnv = {}) {
    const port = await freePort();
    const child = spawn(process.execPath, [path.join(projectRoot(), "packages", "kit", "dist", "src", "serve.js"), "users"], {
      // A real environment, not NODE_ENV=test (which changes Apollo's own signal handling).
      env: { ...process.env, NODE_ENV: "development", PORT: String(port), DATABASE_URL: database.url, LOG_LEVEL: "info", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    for (let i = 0; ; i++) {
      const ready = await fetch(`http://127.0.0.1:${port}/ready`).catch(() => undefined);
      if (ready?.ok) break;
      if (i > 200) {
        child.kill("SIGKILL");
        throw new Error(`not ready:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { port, child, exited, output: () => output };
  }

  const refusedAt = (url: string) =>
    fetch(url).then(
      () => "answered",
      () => "refused",
    );

  it("finishes an in-flight request on SIGTERM, then exits 0", { timeout: 60_000 }, async () => {
    const { port, child, exited, output } = await startUsers();
    try {
      // Registration spends ~100 ms in argon2: SIGTERM lands while it is in flight.
      const inFlight = fetch(`http://127.0.0.1:${port}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", [IDENTITY_HEADER]: await signIdentity(ANONYMOUS) },
        body: JSON.stringify({
          query: `mutation { register(input: { email: "drain@example.test", password: "long enough password", displayName: "Drain" }) { user { id } } }`,
        }),
      });
      await new Promise((resolve) => setTimeout(resolve, 20));
      child.kill("SIGTERM");
      const response = await inFlight;
      assert.equal(response.status, 200);
      const body = (await response.json()) as any;
      assert.equal(body.errors, undefined, JSON.stringify(body.errors));
      assert.match(body.data.register.user.id, /^[0-9a-f-]{36}$/);
      assert.equal(await exited, 0, output());
      assert.match(output(), /"msg":"stopped"/);
      assert.equal(await refusedAt(`http://127.0.0.1:${port}/health`), "refused");
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });

  it(
    "with SHUTDOWN_DELAY_MS, leaves the load balancer's rotation first: /ready 503, every request still served, each connection closed after its answer",
    { timeout: 60_000 },
    async () => {
      const { port, child, exited, output } = await startUsers({ SHUTDOWN_DELAY_MS: "1500" });
      try {
        const signalled = Date.now();
        child.kill("SIGTERM");
        await new Promise((resolve) => setTimeout(resolve, 200));
        const ready = await fetch(`http://127.0.0.1:${port}/ready`);
        assert.equal(ready.status, 503);
        assert.deepEqual(await ready.json(), { status: "unavailable", reason: "shutting down" });
        assert.equal(ready.headers.get("connection"), "close");
        assert.equal((await fetch(`http://127.0.0.1:${port}/health`)).status, 200);
        const query = await fetch(`http://127.0.0.1:${port}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", [IDENTITY_HEADER]: await signIdentity(ANONYMOUS) },
          body: JSON.stringify({ query: "{ __typename }" }),
        });
        assert.equal(query.status, 200);
        assert.equal(query.headers.get("connection"), "close");
        assert.deepEqual(await query.json(), { data: { __typename: "Query" } });
        assert.equal(await exited, 0, output());
        assert.ok(Date.now() - signalled >= 1_500, "it stops accepting only after the delay");
        assert.equal(await refusedAt(`http://127.0.0.1:${port}/health`), "refused");
      } finally {
        if (child.exitCode === null) child.kill("SIGKILL");
      }
    },
  );
});

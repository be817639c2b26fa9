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

  it("finishes an in-flight request on SIGTERM, then exits 0", { timeout: 60_000 }, async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [path.join(projectRoot(), "packages", "kit", "dist", "src", "serve.js"), "users"], {
      // A real environment, not NODE_ENV=test (which changes Apollo's own signal handling).
      env: { ...process.env, NODE_ENV: "development", PORT: String(port), DATABASE_URL: database.url, LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    try {
      for (let i = 0; ; i++) {
        const ready = await fetch(`http://127.0.0.1:${port}/ready`).catch(() => undefined);
        if (ready?.ok) break;
        if (i > 200) throw new Error(`not ready:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
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
      assert.equal(await exited, 0, output);
      assert.match(output, /"msg":"stopped"/);
      const refused = await fetch(`http://127.0.0.1:${port}/health`).then(
        () => "answered",
        () => "refused",
      );
      assert.equal(refused, "refused");
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { tracingEnabled } from "../src/tracing";

interface Probe {
  enabled: boolean;
  /** The first files of @opentelemetry/* (and the module hooks) that are loaded, outside the no-op API. */
  loaded: string[];
  /** Whether a span started through the API records anything. */
  recording: boolean;
  /** Whether pg's Client.query is wrapped by the pg instrumentation. */
  pgPatched: boolean;
}

/**
 * A process that starts tracing as the services do, then loads the whole kit (http, express, pg,
 * graphql, Apollo Server) and reports what is loaded and patched.
 */
async function probe(env: NodeJS.ProcessEnv): Promise<Probe> {
  const script = `
    const { startTracing } = require(${JSON.stringify(path.join(__dirname, "..", "src", "tracing.js"))});
    startTracing("probe").then(async (tracing) => {
      require(${JSON.stringify(path.join(__dirname, "..", "src", "index.js"))});
      const { trace } = require("@opentelemetry/api");
      const span = trace.getTracer("probe").startSpan("probe");
      const loaded = Object.keys(require.cache).filter((file) => /@opentelemetry|-in-the-middle/.test(file) && !/@opentelemetry[\\\\/]api[\\\\/]/.test(file));
      const pgPatched = Boolean(require("pg").Client.prototype.query.__wrapped);
      console.log(JSON.stringify({ enabled: tracing.enabled, loaded: loaded.slice(0, 3), recording: span.isRecording(), pgPatched }));
      span.end();
      await tracing.shutdown();
    });`;
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("OTEL_")));
  const { stdout } = await promisify(execFile)(process.execPath, ["-e", script], { env: { ...clean, ...env }, cwd: path.join(__dirname, "..", "..") });
  return JSON.parse(stdout) as Probe;
}

describe("tracing", () => {
  it("is on with an OTLP endpoint (all signals' or traces' own) unless the SDK or the traces exporter is switched off", () => {
    assert.equal(tracingEnabled({}), false);
    assert.equal(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" }), true);
    assert.equal(tracingEnabled({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://collector:4318/v1/traces" }), true);
    assert.equal(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_SDK_DISABLED: "true" }), false);
    assert.equal(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_TRACES_EXPORTER: "none" }), false);
  });

  it("off, loads no SDK, registers no instrumentation and leaves the API a no-op", async () => {
    assert.deepEqual(await probe({}), { enabled: false, loaded: [], recording: false, pgPatched: false });
  });

  it("on, records spans and instruments pg", async () => {
    // A collector that takes every export (the probe's last spans go out as it stops).
    const collector = http.createServer((req, res) => req.resume().on("end", () => res.end("{}")));
    await new Promise<void>((resolve) => collector.listen(0, "127.0.0.1", resolve));
    const on = await probe({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}` }).finally(() => collector.close());
    assert.deepEqual({ ...on, loaded: on.loaded.length > 0 }, { enabled: true, loaded: true, recording: true, pgPatched: true });
  });
});

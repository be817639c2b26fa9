import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { RegistryClient } from "@solo/registry";
import type { Service } from "../src/processes";
import { freePort, startService, stopService } from "../src/processes";
import type { Stack } from "../src/stack";
import { GraphQLClient, startStack } from "../src/stack";

const sha256 = (text: string) => crypto.createHash("sha256").update(text).digest("hex");
const COURSES = "{ courses(first: 1) { totalCount } }";

/** A gateway process on the stack's subgraphs reading the registry at `registryUrl`. */
function gatewayProcess(stack: Stack, registryUrl: string, env: NodeJS.ProcessEnv = {}): Promise<Service> {
  return freePort().then((port) =>
    startService("gateway", "gateway/dist/src/index.js", port, {
      SUPERGRAPH_SOURCE: "registry",
      REGISTRY_URL: registryUrl,
      DATABASE_URL: stack.databaseUrl,
      REDIS_URL: process.env.REDIS_URL ?? "",
      EVENT_BUS_NAMESPACE: stack.eventNamespace,
      USAGE_REPORTING: "0",
      ...env,
    }),
  );
}

describe("a gateway whose registry misbehaves", () => {
  let stack: Stack;
  let dir: string;
  const services: Service[] = [];
  let standIn: http.Server | undefined;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "solo-registry-down-"));
    stack = await startStack({ registry: { minDelaySeconds: 1 }, gateway: { registry: { cachePath: path.join(dir, "last-supergraph.json") } } });
  });
  after(async () => {
    for (const service of services) await stopService(service);
    standIn?.close();
    await stack?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("polls a stand-in Uplink that gives no minDelaySeconds at most once a second, and one that gives no id not at all in a loop", async () => {
    const { sdl } = await new RegistryClient({ url: stack.registryUrl! }).supergraph();
    let polls = 0;
    let answer: Record<string, unknown> = { __typename: "RouterConfigResult", id: "stand-in-1", supergraphSDL: sdl };
    standIn = http.createServer((req, res) => {
      polls += 1;
      req.resume();
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ data: { routerConfig: answer } }));
    });
    await new Promise<void>((resolve) => standIn!.listen(0, "127.0.0.1", resolve));
    const gateway = await gatewayProcess(stack, `http://127.0.0.1:${(standIn.address() as AddressInfo).port}`, { REGISTRY_SUPERGRAPH_CACHE: "" });
    services.push(gateway);
    assert.equal((await new GraphQLClient(gateway.url).request(COURSES)).errors, undefined);
    const from = polls;
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    assert.ok(polls - from <= 4, `${polls - from} polls in 3 s without minDelaySeconds`);
    answer = { __typename: "Unchanged", minDelaySeconds: 0 };
    const from2 = polls;
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    assert.ok(polls - from2 <= 4, `${polls - from2} polls in 3 s of answers without an id`);
    assert.equal((await new GraphQLClient(gateway.url).request(COURSES)).errors, undefined, "the gateway still serves");
  });

  it("answers a hash lookup with SERVICE_UNAVAILABLE (503) while the registry is down, and a new gateway starts from the last supergraph kept", async () => {
    assert.ok(fs.existsSync(path.join(dir, "last-supergraph.json")), "the served supergraph was kept on disk");
    const registryUrl = stack.registryUrl!;
    await stack.stopRegistry();

    const response = await fetch(stack.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256("query NeverSeen { __typename }") } } }),
    });
    const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
    assert.equal(response.status, 503, JSON.stringify(body));
    assert.equal(body.errors?.[0].extensions?.code, "SERVICE_UNAVAILABLE");

    const started = Date.now();
    const second = await gatewayProcess(stack, registryUrl, { REGISTRY_SUPERGRAPH_CACHE: path.join(dir, "last-supergraph.json") });
    services.push(second);
    assert.ok(Date.now() - started < 30_000, `started in ${Date.now() - started} ms`);
    const answer = await new GraphQLClient(second.url).request(COURSES);
    assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
    assert.equal(typeof answer.data.courses.totalCount, "number");
  });
});

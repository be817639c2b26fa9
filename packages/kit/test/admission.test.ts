import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ShedReason } from "../src/admission";
import { AdmissionGate } from "../src/admission";

/** Enters `gate` as request `name`, recording what happened to it in `log`. */
function request(gate: AdmissionGate, name: string, log: string[], releases: Map<string, () => void>) {
  return gate.enter(
    (release) => {
      log.push(`${name} admitted`);
      releases.set(name, release);
    },
    (reason: ShedReason) => log.push(`${name} ${reason}`),
  );
}

describe("the admission gate", () => {
  it("admits up to its limit, queues up to its queue, refuses the rest at once, and admits the queue first come first served", () => {
    const gate = new AdmissionGate({ maxInFlight: 2, maxQueued: 2, maxWaitMs: 60_000, maxEventLoopUtilization: 1 });
    const log: string[] = [];
    const releases = new Map<string, () => void>();
    const leaves = ["a", "b", "c", "d", "e"].map((name) => request(gate, name, log, releases));
    assert.deepEqual(log, ["a admitted", "b admitted", "e queue_full"]);
    assert.deepEqual([gate.inFlight, gate.queued], [2, 2]);

    releases.get("a")!();
    releases.get("a")!();
    assert.deepEqual(log.slice(3), ["c admitted"], "a place given back twice admits one request");
    leaves[3]();
    assert.equal(gate.queued, 0, "d left the queue");
    releases.get("b")!();
    releases.get("c")!();
    assert.deepEqual([gate.inFlight, gate.queued], [0, 0]);
    assert.deepEqual(log.slice(4), [], "d, gone, was not admitted");
  });

  it("refuses a request that waited its longest, and not one admitted before then", async () => {
    const gate = new AdmissionGate({ maxInFlight: 1, maxQueued: 2, maxWaitMs: 30, maxEventLoopUtilization: 1 });
    const log: string[] = [];
    const releases = new Map<string, () => void>();
    for (const name of ["a", "b", "c"]) request(gate, name, log, releases);
    await new Promise((resolve) => setTimeout(resolve, 10));
    releases.get("a")!();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(log, ["a admitted", "b admitted", "c waited_too_long"]);
    assert.deepEqual([gate.inFlight, gate.queued], [1, 0]);
  });

  it("with no queue, refuses at once whatever comes past the limit", () => {
    const gate = new AdmissionGate({ maxInFlight: 1, maxQueued: 0, maxWaitMs: 1_000, maxEventLoopUtilization: 1 });
    const log: string[] = [];
    const releases = new Map<string, () => void>();
    for (const name of ["a", "b"]) request(gate, name, log, releases);
    assert.deepEqual(log, ["a admitted", "b queue_full"]);
  });

  it("while the event loop has been busier than allowed, refuses at once a request that finds others in flight, and admits one that finds none", async () => {
    let utilization = 0.5;
    const measure = () => ({ idle: 0, active: 0, utilization });
    const gate = new AdmissionGate({ maxInFlight: 10, maxQueued: 10, maxWaitMs: 1_000, maxEventLoopUtilization: 0.9 }, measure);
    const log: string[] = [];
    const releases = new Map<string, () => void>();
    request(gate, "a", log, releases);
    utilization = 0.95;
    request(gate, "b", log, releases);
    assert.deepEqual(log, ["a admitted", "b admitted"], "a reading stands for 100 ms");
    await new Promise((resolve) => setTimeout(resolve, 110));
    request(gate, "c", log, releases);
    releases.get("a")!();
    releases.get("b")!();
    request(gate, "d", log, releases);
    assert.deepEqual(log.slice(2), ["c busy", "d admitted"]);
    utilization = 0.5;
    await new Promise((resolve) => setTimeout(resolve, 110));
    request(gate, "e", log, releases);
    assert.deepEqual(log.slice(4), ["e admitted"]);
  });
});

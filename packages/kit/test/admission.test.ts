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

  it("lets fewer in at once while the event loop has been busier than allowed, queueing the rest, and more again as it calms", async () => {
    let utilization = 0.5;
    const measure = () => ({ idle: 0, active: 0, utilization });
    const gate = new AdmissionGate({ maxInFlight: 10, maxQueued: 10, maxWaitMs: 5_000, maxEventLoopUtilization: 0.9 }, measure);
    const log: string[] = [];
    const releases = new Map<string, () => void>();
    const windowPasses = () => new Promise((resolve) => setTimeout(resolve, 110));
    for (const name of ["a", "b", "c", "d"]) request(gate, name, log, releases);
    utilization = 0.95;
    await windowPasses();
    request(gate, "e", log, releases);
    assert.deepEqual(log, ["a admitted", "b admitted", "c admitted", "d admitted"], "e waits: the busy loop closed places down to a tenth fewer than were in use");
    assert.equal(gate.limit, 3);
    releases.get("a")!();
    assert.deepEqual(log.slice(4), [], "three places open, three in use");
    releases.get("b")!();
    assert.deepEqual(log.slice(4), ["e admitted"]);
    utilization = 0.5;
    await windowPasses();
    request(gate, "f", log, releases);
    request(gate, "g", log, releases);
    assert.deepEqual(log.slice(5), ["f admitted"], "a calm window opens one place more");
    assert.deepEqual([gate.limit, gate.inFlight, gate.queued], [4, 4, 1]);
    for (const name of ["c", "d", "e", "f"]) releases.get(name)!();
    releases.get("g")!();
    assert.deepEqual([gate.inFlight, gate.queued], [0, 0]);
  });

  it("never closes below an eighth of its places, so requests held on a slow upstream do not stop the rest", async () => {
    const measure = () => ({ idle: 0, active: 0, utilization: 1 });
    const gate = new AdmissionGate({ maxInFlight: 16, maxQueued: 10, maxWaitMs: 5_000, maxEventLoopUtilization: 0.9 }, measure);
    const log: string[] = [];
    const releases = new Map<string, () => void>();
    request(gate, "held", log, releases);
    for (let window = 0; window < 3; window++) {
      await new Promise((resolve) => setTimeout(resolve, 110));
      request(gate, `quick ${window}`, log, releases);
      releases.get(`quick ${window}`)!();
    }
    assert.deepEqual(log, ["held admitted", "quick 0 admitted", "quick 1 admitted", "quick 2 admitted"]);
    assert.equal(gate.limit, 2);
    releases.get("held")!();
  });
});

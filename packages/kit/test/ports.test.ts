import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import { describe, it } from "node:test";
import { PICKED_PORTS, freePort, freePortOffset, isPortFree, portRange, splitPortRange } from "../src/ports";

/** Math.random's stand-in: the given values, one per call. */
const sequence =
  (...values: number[]) =>
  () =>
    values.shift() ?? assert.fail("asked for more random numbers than given");

// The worked examples pick outside PICKED_PORTS: ports this process handed out for real are remembered too.
describe("ports for the services tests start", () => {
  it("lie below the kernel's ephemeral range, where listen(0) takes its ports", { skip: !fs.existsSync("/proc/sys/net/ipv4/ip_local_port_range") && "not Linux" }, () => {
    const [ephemeralLow] = fs.readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);
    assert.ok(PICKED_PORTS.high <= ephemeralLow, `${PICKED_PORTS.high} > ${ephemeralLow}`);
  });

  it("come from TEST_PORT_RANGE when it lies within them, and are split apart for processes side by side", () => {
    assert.deepEqual(portRange("20000-20999"), { low: 20_000, high: 21_000 });
    for (const outside of ["100-200", "31000-40000", "21000-20000", "20000", ""]) assert.deepEqual(portRange(outside), PICKED_PORTS, String(outside));
    assert.deepEqual(splitPortRange(2, { low: 15_000, high: 32_000 }), ["15000-23499", "23500-31999"]);
    // A worker's own workers split its part again (a test that runs the test driver).
    assert.deepEqual(splitPortRange(2, portRange("23500-31999")), ["23500-27749", "27750-31999"]);
  });

  it("shift a platform's ports together by an offset that keeps all of them in range", async () => {
    const range = { low: 40_000, high: 40_200 };
    const platform = [4000, 4001, 4005, 4100];
    const isFree = async () => true;
    // 200 ports, 101 wide: 100 offsets; the lowest puts 4000 at 40000, the highest 4100 at 40199.
    assert.equal(await freePortOffset(platform, { range, random: sequence(0), isFree }), 36_000);
    // (Another range: that offset would move 4000 onto 40099, and 4001 onto 40100, just handed out.)
    assert.equal(await freePortOffset(platform, { range: { low: 40_300, high: 40_500 }, random: sequence(0.999), isFree }), 36_399);
    await assert.rejects(freePortOffset([4000, 4300], { range, isFree }), /do not fit in 40000–40199/);
  });

  it("pass over ports someone listens on and ports handed out lately", async () => {
    const range = { low: 41_000, high: 41_010 };
    const taken = new Set([41_000]);
    const isFree = async (port: number) => !taken.has(port);
    // 41000 is taken, so the next pick (41001) it is; asked again, 41001 was just handed out: 41002.
    assert.equal(await freePort({ range, random: sequence(0, 0.1), isFree }), 41_001);
    assert.equal(await freePort({ range, random: sequence(0.1, 0.2), isFree }), 41_002);
    // Picks made side by side are different ports, though they draw the same number first.
    const both = await Promise.all([freePort({ range, random: sequence(0.5, 0.6), isFree }), freePort({ range, random: sequence(0.5, 0.6), isFree })]);
    assert.deepEqual(both, [41_005, 41_006]);
  });

  it("give up with a message when none is left", async () => {
    const range = { low: 42_000, high: 42_001 };
    await assert.rejects(freePort({ range, isFree: async () => false }), /no free ports for 0 in 42000–42000/);
  });

  it("are free on loopback, which isPortFree sees", async () => {
    const port = await freePort();
    assert.ok(port >= portRange().low && port < portRange().high);
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    try {
      assert.equal(await isPortFree(port), false);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    assert.equal(await isPortFree(port), true);
  });
});

import net from "node:net";

/**
 * Ports that tests and tools pick for the services they start lie below the kernel's ephemeral range
 * (32768 and up on Linux), where every `listen(0)` and outgoing connection gets its port. A port
 * picked there could be handed to another process's `listen(0)` between the pick and the bind: a
 * gateway then failed to start while its readiness probe reached another test's subgraph, and the
 * test talked to that subgraph instead. Concurrent test workers pick in separate parts of it
 * (TEST_PORT_RANGE, "low-high", set by the test driver: splitPortRange), so two never pick the same port.
 */
export const PICKED_PORTS = { low: 15_000, high: 32_000 } as const;

export interface PortRange {
  low: number;
  /** Exclusive. */
  high: number;
}

/** Where this process picks: TEST_PORT_RANGE ("20000-25999", inclusive) when it lies within PICKED_PORTS, else all of them. */
export function portRange(variable = process.env.TEST_PORT_RANGE): PortRange {
  const match = /^(\d+)-(\d+)$/.exec(variable ?? "");
  const [low, high] = match ? [Number(match[1]), Number(match[2]) + 1] : [0, 0];
  return low >= PICKED_PORTS.low && high <= PICKED_PORTS.high && low < high ? { low, high } : { ...PICKED_PORTS };
}

/** `range` cut into `count` parts, as TEST_PORT_RANGE values: one for each of the processes running side by side. */
export function splitPortRange(count: number, range: PortRange = portRange()): string[] {
  const size = Math.floor((range.high - range.low) / count);
  return Array.from({ length: count }, (_, index) => `${range.low + index * size}-${range.low + (index + 1) * size - 1}`);
}

/** Whether nobody listens on `port` on loopback right now. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** Ports this process handed out lately: not handed out again while their service may not have bound them yet. */
const handedOut: number[] = [];
const REMEMBERED = 500;

export interface PortPicking {
  range?: PortRange;
  random?: () => number;
  isFree?: (port: number) => Promise<boolean>;
}

/**
 * `offset` such that every one of `ports` plus it lies in this process's range, is free now and was
 * not handed out lately. One port is the case of offset + 0 (see freePort).
 */
export async function freePortOffset(ports: number[], picking: PortPicking = {}): Promise<number> {
  const { range = portRange(), random = Math.random, isFree = isPortFree } = picking;
  const lowest = Math.min(...ports);
  const highest = Math.max(...ports);
  const choices = range.high - range.low - (highest - lowest);
  if (choices < 1) throw new Error(`ports ${lowest}–${highest} do not fit in ${range.low}–${range.high - 1}`);
  for (let attempt = 0; attempt < 1_000; attempt++) {
    const offset = range.low + Math.floor(random() * choices) - lowest;
    const shifted = ports.map((port) => port + offset);
    if (shifted.some((port) => handedOut.includes(port))) continue;
    // Held before the check, so that a pick made meanwhile (Promise.all of several) is another port.
    handedOut.push(...shifted);
    handedOut.splice(0, Math.max(0, handedOut.length - REMEMBERED));
    if ((await Promise.all(shifted.map(isFree))).every(Boolean)) return offset;
  }
  throw new Error(`no free ports for ${ports.join(", ")} in ${range.low}–${range.high - 1}`);
}

/** A loopback port nobody is listening on right now, for a service a test or tool is about to start. */
export async function freePort(picking: PortPicking = {}): Promise<number> {
  return freePortOffset([0], picking);
}

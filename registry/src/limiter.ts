import { RegistryError } from "./errors";

/**
 * At most `concurrency` runs at once, at most `queue` waiting: composition and checks take seconds of
 * CPU and hundreds of MB on a large graph, so a burst of them waits its turn, and beyond the queue is
 * refused (503, retry) instead of piling up memory.
 */
export class Limiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly queue: number,
  ) {}

  async run<T>(work: () => Promise<T> | T): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.queue) throw new RegistryError(503, "SERVICE_UNAVAILABLE", "the registry is busy composing other schemas: retry shortly");
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await work();
    } finally {
      // The slot passes to the next in line as is, or is freed.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

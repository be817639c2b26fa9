import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A plain HTTP proxy in front of an S3 endpoint: it forwards every request as it came (so
 * signatures still hold), except server-side copies (CopyObject), which it holds until `release()`.
 * A store slow to copy (a 2 GB lesson video) on demand, to see what waits meanwhile.
 */
export async function startCopyHoldingProxy(target: string) {
  const upstream = new URL(target);
  let waiting: (() => void)[] = [];
  let holding = true;
  const server = http.createServer((request, response) => {
    const forward = () => {
      const outgoing = http.request({ host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers: request.headers }, (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      });
      outgoing.on("error", () => response.destroy());
      request.pipe(outgoing);
    };
    if (holding && request.headers["x-amz-copy-source"]) waiting.push(forward);
    else forward();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** Copies held so far and not yet released. */
    get held() {
      return waiting.length;
    },
    /** Holds the copies from now on (as at the start). */
    hold() {
      holding = true;
    },
    /** Lets every held copy through, and every later one at once, until `hold()`. */
    release() {
      holding = false;
      for (const forward of waiting) forward();
      waiting = [];
    },
    async close() {
      this.release();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A plain HTTP proxy in front of an S3 endpoint, forwarding every request as it came (signatures
 * still hold), that a test can turn into a slow or a broken store: `holdPuts()` holds object and
 * part uploads (PUT) until `pass()`, and `refuse()` drops every connection, as a store that is down.
 */
export async function startStoreProxy(target: string) {
  const upstream = new URL(target);
  let mode: "pass" | "hold-puts" | "refuse" = "pass";
  let waiting: (() => void)[] = [];
  const server = http.createServer((request, response) => {
    if (mode === "refuse") {
      request.socket.destroy();
      return;
    }
    const forward = () => {
      const outgoing = http.request({ host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers: request.headers }, (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      });
      outgoing.on("error", () => response.destroy());
      request.pipe(outgoing);
    };
    if (mode === "hold-puts" && request.method === "PUT") waiting.push(forward);
    else forward();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** Uploads held so far and not yet let through. */
    get held() {
      return waiting.length;
    },
    holdPuts() {
      mode = "hold-puts";
    },
    refuse() {
      mode = "refuse";
    },
    /** Forwards everything from now on, the held uploads first. */
    pass() {
      mode = "pass";
      for (const forward of waiting) forward();
      waiting = [];
    },
    async close() {
      this.pass();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

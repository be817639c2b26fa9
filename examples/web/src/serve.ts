import fs from "node:fs";
import http from "node:http";
import path from "node:path";

const TYPES: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".map": "application/json" };

/**
 * Serves the built page from its own origin (another port than the API's, as a real web app is):
 * the gateway must list it in CORS_ORIGINS, as `npm start`'s development default does for loopback.
 */
export function serveWebExample(dir: string, port = 0, host = "127.0.0.1"): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const name = new URL(req.url ?? "/", "http://x").pathname.slice(1) || "index.html";
    const file = path.join(dir, path.basename(name));
    if (!fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => {
    server.listen(port, host, () => {
      const address = server.address() as { port: number };
      resolve({
        origin: `http://${host}:${address.port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

if (require.main === module) {
  const port = Number(process.env.WEB_EXAMPLE_PORT ?? 5173);
  void serveWebExample(path.join(__dirname, "..", "..", "dist", "public"), port).then(({ origin }) =>
    console.log(`the web example is at ${origin}/?api=http://127.0.0.1:4000/graphql`),
  );
}

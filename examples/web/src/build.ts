import fs from "node:fs";
import path from "node:path";
import { build } from "esbuild";

const root = path.join(__dirname, "..", "..");

/** Bundles the page into `outdir`: index.html and app.js (the client and graphql-ws inside, nothing from a CDN). */
export async function buildWebExample(outdir = path.join(root, "dist", "public")): Promise<string> {
  fs.mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: [path.join(root, "src", "app.ts")],
    bundle: true,
    platform: "browser",
    format: "iife",
    target: "es2020",
    minify: true,
    sourcemap: true,
    outfile: path.join(outdir, "app.js"),
    logLevel: "warning",
  });
  fs.copyFileSync(path.join(root, "public", "index.html"), path.join(outdir, "index.html"));
  return outdir;
}

if (require.main === module) {
  buildWebExample().then(
    (outdir) => console.log(`built the web example into ${outdir}`),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}

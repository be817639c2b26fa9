// Bundles GraphiQL (main.js, React, Monaco and its workers) into gateway/dist/graphiql, which the
// gateway serves at /graphiql/*. Run before `tsc -b` by npm's prebuild, prestart and pretest (and by
// the Dockerfile); a bundle built from the same sources and lock file is kept, so repeats cost a hash.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const outdir = path.join(here, "..", "dist", "graphiql");
const stampFile = path.join(outdir, "sources.sha256");

// What the bundle is made from: this folder's files, the installed packages (the lock file) and esbuild.
const hash = crypto.createHash("sha256").update(esbuild.version);
for (const file of [
  ...fs
    .readdirSync(here)
    .sort()
    .map((name) => path.join(here, name)),
  path.join(root, "package-lock.json"),
]) {
  hash.update(file).update(fs.readFileSync(file));
}
const stamp = hash.digest("hex");
if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, "utf8") === stamp && process.argv[2] !== "--force") process.exit(0);

const started = Date.now();
fs.rmSync(outdir, { recursive: true, force: true });
const common = {
  bundle: true,
  minify: true,
  legalComments: "linked",
  logLevel: "warning",
  absWorkingDir: here,
  define: { "process.env.NODE_ENV": '"production"' },
  loader: { ".ttf": "file", ".woff": "file", ".woff2": "file", ".svg": "file", ".png": "file" },
};
await Promise.all([
  // The page: ES modules, with Monaco and prettier split off into chunks loaded when first needed.
  esbuild.build({
    ...common,
    entryPoints: { graphiql: path.join(here, "main.js") },
    outdir,
    format: "esm",
    splitting: true,
    target: "es2022",
    chunkNames: "chunks/[name]-[hash]",
    assetNames: "assets/[name]-[hash]",
  }),
  // Monaco's workers, classic scripts each (main.js's MonacoEnvironment starts them by name).
  esbuild.build({
    ...common,
    entryPoints: {
      "editor.worker": "monaco-editor/esm/vs/editor/editor.worker.js",
      "json.worker": "monaco-editor/esm/vs/language/json/json.worker.js",
      "graphql.worker": "monaco-graphql/esm/graphql.worker.js",
    },
    outdir,
    format: "iife",
    target: "es2022",
  }),
]);
fs.writeFileSync(stampFile, stamp);
console.log(`GraphiQL bundled into ${path.relative(root, outdir)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);

import { startTracing } from "@solo/kit/tracing";

// Tracing starts before the registry's modules load, so that http and pg are instrumented.
startTracing("registry")
  .then(async (tracing) => (await import("./serve.js")).serveRegistry(tracing))
  .catch((error: unknown) => {
    console.error("registry failed to start", error);
    process.exit(1);
  });

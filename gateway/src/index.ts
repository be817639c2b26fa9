import { startTracing } from "@solo/kit/tracing";

// Tracing starts before the gateway's modules load, so that http, fetch and graphql are instrumented.
startTracing("gateway")
  .then(async (tracing) => (await import("./serve.js")).serveGateway(tracing))
  .catch((error: unknown) => {
    console.error("gateway failed to start", error);
    process.exit(1);
  });

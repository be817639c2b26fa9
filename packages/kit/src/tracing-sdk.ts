import { IncomingMessage } from "node:http";
import { register } from "node:module";
import { pathToFileURL } from "node:url";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { registerInstrumentations } from "@opentelemetry/instrumentation";
import { GraphQLInstrumentation } from "@opentelemetry/instrumentation-graphql";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { PgInstrumentation } from "@opentelemetry/instrumentation-pg";
import { UndiciInstrumentation } from "@opentelemetry/instrumentation-undici";
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { createAddHookMessageChannel } from "import-in-the-middle";

/** Probes and scrapes, not requests of note: they would drown the traces. */
const UNTRACED_PATHS = new Set(["/health", "/ready", "/metrics"]);

const pathOf = (url: string | undefined) => url?.split("?")[0] ?? "";

/**
 * The SDK, loaded only when tracing is on (see tracing.ts). Spans go over OTLP/HTTP (JSON) to
 * OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT in batches; the W3C trace context is taken from incoming
 * requests and put on outgoing ones, so a trace follows a request from the client through the
 * gateway into the subgraphs. The sampler is OTEL_TRACES_SAMPLER's (parent-based always-on by default).
 */
export async function startTracingSdk(serviceName: string): Promise<() => Promise<void>> {
  // MikroORM is an ES module that imports pg: import-in-the-middle's loader lets the pg instrumentation
  // patch it. Told which modules are instrumented, it wraps those alone (wrapping every ES module slows a start).
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register("import-in-the-middle/hook.mjs", pathToFileURL(__filename), registerOptions);
  const resource = defaultResource()
    .merge(resourceFromAttributes({ "service.name": serviceName, "service.namespace": "solo" }))
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
  // The AsyncLocalStorage context manager and the W3C trace-context and baggage propagators.
  provider.register();
  registerInstrumentations({
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.has(pathOf(request.url)),
        // "POST /graphql" rather than a bare "POST" (other paths keep the bare method: some carry ids).
        requestHook: (span, request) => {
          if (request instanceof IncomingMessage && pathOf(request.url) === "/graphql") span.updateName(`${request.method} /graphql`);
        },
      }),
      // fetch: the gateway's subgraph requests and the subgraphs' calls to each other carry `traceparent`.
      new UndiciInstrumentation(),
      // A span per root field (a subgraph's `_entities` is its entity batch), none per field below:
      // type-graphql gives every field a resolver, so a span each would bury the ones of note.
      new GraphQLInstrumentation({ depth: 1, mergeItems: true }),
      new PgInstrumentation({ requireParentSpan: true }),
    ],
  });
  await waitForAllMessagesAcknowledged();
  // Spans that cannot be sent (the collector away) are dropped: a process still stops cleanly.
  return () => provider.shutdown().catch(() => undefined);
}

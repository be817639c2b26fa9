/**
 * OpenTelemetry traces, on only when an OTLP endpoint is configured. Off, this module is all that
 * loads: no SDK, no instrumentation, and @opentelemetry/api (which @apollo/gateway calls) stays a no-op.
 * A process calls `startTracing` first, and requires everything else after it resolves: the
 * instrumentations patch http, pg and graphql as they are loaded.
 */

export interface Tracing {
  enabled: boolean;
  /** Sends the spans still buffered (a process calls it on its way out). */
  shutdown: () => Promise<void>;
}

/** OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT, unless OTEL_SDK_DISABLED or OTEL_TRACES_EXPORTER=none say no. */
export function tracingEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.toLowerCase() === "true" || env.OTEL_TRACES_EXPORTER === "none") return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT);
}

/** `serviceName` is the service.name resource attribute unless OTEL_SERVICE_NAME sets one. */
export async function startTracing(serviceName: string): Promise<Tracing> {
  if (!tracingEnabled()) return { enabled: false, shutdown: async () => {} };
  const { startTracingSdk } = await import("./tracing-sdk.js");
  return { enabled: true, shutdown: await startTracingSdk(serviceName) };
}

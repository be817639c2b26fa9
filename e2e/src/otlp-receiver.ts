import http from "node:http";
import type { AddressInfo } from "node:net";
import zlib from "node:zlib";

/** One span as an OTLP/HTTP JSON export carries it, with its process's service.name. */
export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** SERVER = 2, CLIENT = 3 (OTLP's SpanKind). */
  kind: number;
  attributes: Record<string, unknown>;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpExport {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: { spans?: { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes?: OtlpAttribute[] }[] }[];
  }[];
}

const attributesOf = (list: OtlpAttribute[] = []) =>
  Object.fromEntries(list.map(({ key, value }) => [key, value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue]));

/**
 * An OTLP/HTTP trace receiver on loopback (what a collector listens for on /v1/traces), for the
 * JSON encoding: it keeps every span it is sent. Anything else it answers 400, which the exporter logs.
 */
export async function startOtlpReceiver() {
  const spans: ReceivedSpan[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      try {
        if (req.method !== "POST" || req.url !== "/v1/traces" || !req.headers["content-type"]?.startsWith("application/json"))
          throw new Error("not an OTLP/HTTP JSON trace export");
        const raw = Buffer.concat(chunks);
        const body = JSON.parse((req.headers["content-encoding"] === "gzip" ? zlib.gunzipSync(raw) : raw).toString()) as OtlpExport;
        for (const resourceSpans of body.resourceSpans ?? []) {
          const service = String(attributesOf(resourceSpans.resource?.attributes)["service.name"]);
          for (const scope of resourceSpans.scopeSpans ?? [])
            for (const span of scope.spans ?? [])
              spans.push({ ...span, parentSpanId: span.parentSpanId || undefined, service, attributes: attributesOf(span.attributes) });
        }
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      } catch (error) {
        res.writeHead(400).end(String(error));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    /** Resolves with the first span `matches` accepts, once it has come. */
    async span(matches: (span: ReceivedSpan) => boolean, timeoutMs = 20_000): Promise<ReceivedSpan> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = spans.find(matches);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no such span within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    /** Resolves with the spans of `traceId` once `done` says they are all there (exports come in batches). */
    async trace(traceId: string, done: (spans: ReceivedSpan[]) => boolean, timeoutMs = 20_000): Promise<ReceivedSpan[]> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const trace = spans.filter((span) => span.traceId === traceId);
        if (done(trace)) return trace;
        if (Date.now() > deadline) throw new Error(`trace ${traceId} incomplete: ${JSON.stringify(trace.map(({ service, name }) => `${service}: ${name}`))}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

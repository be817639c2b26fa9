import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export interface ServiceMetrics {
  registry: Registry;
  httpDuration: Histogram<"method" | "route" | "status">;
  operations: Counter<"operation" | "type" | "outcome">;
  errors: Counter<"code">;
}

/** One registry per service (tests run several services in one process). */
export function createMetrics(service: string): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpDuration: new Histogram({
      name: "http_request_duration_seconds",
      help: "HTTP request duration",
      labelNames: ["method", "route", "status"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    operations: new Counter({
      name: "graphql_operations_total",
      help: "GraphQL operations by name, type and outcome",
      labelNames: ["operation", "type", "outcome"],
      registers: [registry],
    }),
    errors: new Counter({
      name: "graphql_errors_total",
      help: "GraphQL errors by extensions.code",
      labelNames: ["code"],
      registers: [registry],
    }),
  };
}

const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * Operation names come from clients: used as labels unchecked, anyone could create a time series
 * per request. The first `limit` well-formed names are kept; the rest count as "other".
 */
export function boundedLabels(limit = 200): (name: string | null | undefined) => string {
  const seen = new Set<string>();
  return (name) => {
    if (!name) return "anonymous";
    if (seen.has(name)) return name;
    if (!OPERATION_NAME.test(name) || seen.size >= limit) return "other";
    seen.add(name);
    return name;
  };
}

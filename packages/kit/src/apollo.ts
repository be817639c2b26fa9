import type { ApolloServerPlugin } from "@apollo/server";
import type { GraphQLFormattedError } from "graphql";
import { GraphQLError } from "graphql";
import { isClientError } from "./errors";
import type { Logger } from "./logger";
import type { ServiceMetrics } from "./metrics";
import { boundedLabels } from "./metrics";

/** What an operation's outcome is recorded from: its name and type, the errors it met (unformatted), whether its answer holds errors. */
export interface OperationOutcome {
  operationName: string | null | undefined;
  type: string | undefined;
  errors: readonly GraphQLError[] | undefined;
  answeredWithErrors: boolean;
  log?: Logger;
}

/** Counts operations and errors by code, and logs unexpected errors with the request id. */
export function operationRecorder(metrics: ServiceMetrics): (outcome: OperationOutcome) => void {
  const operationLabel = boundedLabels();
  return ({ operationName, type, errors, answeredWithErrors, log }) => {
    metrics.operations.inc({ operation: operationLabel(operationName), type: type ?? "unknown", outcome: errors?.length || answeredWithErrors ? "error" : "ok" });
    for (const error of errors ?? []) {
      const code = typeof error.extensions?.code === "string" ? error.extensions.code : "INTERNAL_SERVER_ERROR";
      metrics.errors.inc({ code });
      if (!isClientError(code)) log?.error({ err: error.originalError ?? error }, "operation failed");
    }
  };
}

/** operationRecorder as an Apollo Server plugin. */
export function observabilityPlugin(metrics: ServiceMetrics, record = operationRecorder(metrics)): ApolloServerPlugin<{ log?: Logger }> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, operation, operationName, errors, contextValue }) {
          const answeredWithErrors = response.body.kind === "single" && !!response.body.singleResult.errors;
          record({ operationName, type: operation?.operation, errors, answeredWithErrors, log: contextValue.log });
        },
      };
    },
  };
}

/**
 * Client errors keep their message and code; anything else is a bug whose details stay in the
 * logs. In production, field suggestions ("Did you mean ...") and subgraph names are dropped: they
 * map the schema and the deployment for whoever asks. SERVICE_UNAVAILABLE alone keeps naming its
 * service.
 */
export function formatError(options: { production: boolean }) {
  return (formatted: GraphQLFormattedError, error?: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    const validationErrors = formatted.extensions?.validationErrors;
    // type-graphql's ArgumentValidationError puts class-validator's errors there.
    if (Array.isArray(validationErrors)) return formatValidationErrors(formatted, validationErrors as ClassValidatorError[]);
    if (isUncodedRequestRefusal(error)) return { message: formatted.message, extensions: { code: "BAD_REQUEST" } };
    if (!isClientError(code)) {
      return { message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } };
    }
    const message = options.production ? formatted.message.replace(/ ?Did you mean .+\?$/, "") : formatted.message;
    const { stacktrace: _stacktrace, serviceName, service, ...extensions } = formatted.extensions ?? {};
    if (serviceName && !options.production) extensions.serviceName = serviceName;
    // Which service is missing from a partial answer is what its client needs to know (and /ready
    // names it anyway); which one refused a request it was sent is a map of the deployment.
    if (service !== undefined && (!options.production || code === "SERVICE_UNAVAILABLE")) extensions.service = service;
    return { ...formatted, message, extensions };
  };
}

/**
 * Apollo refuses some requests with an HTTP 4xx and no code (a persisted-query hash that does not
 * match its query, an unknown persisted-query version): the client's mistake, not ours.
 */
function isUncodedRequestRefusal(error: unknown): boolean {
  if (!(error instanceof GraphQLError) || error.extensions.code !== undefined || error.originalError) return false;
  const status = (error.extensions.http as { status?: number } | undefined)?.status;
  return typeof status === "number" && status >= 400 && status < 500;
}

interface ClassValidatorError {
  property: string;
  constraints?: Record<string, string>;
  children?: ClassValidatorError[];
}

/**
 * type-graphql reports class-validator failures with the whole input attached (passwords
 * included): only the field paths and messages go back to the client.
 */
function formatValidationErrors(formatted: GraphQLFormattedError, errors: ClassValidatorError[]): GraphQLFormattedError {
  const fields: { field: string; message: string }[] = [];
  const collect = (list: ClassValidatorError[], prefix: string) => {
    for (const error of list) {
      const field = prefix ? `${prefix}.${error.property}` : error.property;
      for (const message of Object.values(error.constraints ?? {})) fields.push({ field, message });
      collect(error.children ?? [], field);
    }
  };
  collect(errors, "");
  return {
    message: fields.map((entry) => entry.message).join("; ") || "Invalid input",
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: "BAD_USER_INPUT", fields },
  };
}

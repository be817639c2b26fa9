import pino, { Logger } from "pino";
import { envString } from "./config";

export type { Logger };

/** JSON logs on stdout, one logger per service; request loggers are children carrying requestId. */
export function createLogger(service: string): Logger {
  return pino({
    name: service,
    level: envString("LOG_LEVEL", process.env.NODE_ENV === "test" ? "error" : "info"),
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ["req.headers.authorization", "req.headers['x-api-key']", "req.headers['x-solo-identity']"],
      censor: "[redacted]",
    },
  });
}

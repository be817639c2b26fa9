import { DriverException } from "@mikro-orm/core";
import type { Logger } from "pino";
import pino from "pino";
import { envString } from "./config";

export type { Logger };

/**
 * JSON logs on stdout, one logger per service; request loggers are children carrying requestId.
 * Written synchronously: with pino's default asynchronous stream, the flush at process.exit could
 * land a shutdown's last line ahead of a line still being written, and a crash loses its last lines.
 */
export function createLogger(service: string): Logger {
  return pino(
    {
      name: service,
      level: envString("LOG_LEVEL", process.env.NODE_ENV === "test" ? "error" : "info"),
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { err: serializeError },
      redact: {
        paths: ["req.headers.authorization", "req.headers['x-api-key']", "req.headers['x-solo-identity']"],
        censor: "[redacted]",
      },
    },
    pino.destination({ dest: 1, sync: true }),
  );
}

/**
 * Database errors carry the statement and its bound values in their message and detail: a
 * password hash or an email would end up in the logs. They are logged by code and names only.
 */
/** node-postgres errors: class DatabaseError, but name "error"; they carry SQLSTATE and severity. */
function isPostgresError(error: unknown): error is Error {
  return error instanceof Error && (error.constructor.name === "DatabaseError" || ("severity" in error && "routine" in error));
}

export function serializeError(error: unknown): unknown {
  if (error instanceof DriverException || isPostgresError(error)) {
    const db = error as Error & Record<string, unknown>;
    return {
      type: db.constructor.name,
      code: db.code,
      sqlState: db.sqlState,
      constraint: db.constraint,
      table: db.table,
      column: db.column,
      stack: (db.stack ?? "")
        .split("\n")
        .filter((line) => line.startsWith("    at "))
        .join("\n"),
    };
  }
  return pino.stdSerializers.err(error as Error);
}

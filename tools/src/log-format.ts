import { styleText } from "node:util";
import { isProduction } from "@solo/kit/config";

/**
 * How `npm start` shows its services' logs. The services always write pino's JSON lines; the
 * supervisor alone decides: in a terminal (and not in production) it turns each into a short
 * human line, colored when the terminal takes color; anywhere else (a pipe, a file, a log
 * collector) the lines pass through untouched. LOG_FORMAT=json or pretty overrides the choice.
 */
export function logFormat(): "pretty" | "json" {
  const chosen = process.env.LOG_FORMAT;
  if (chosen === "json" || chosen === "pretty") return chosen;
  return process.stdout.isTTY && !isProduction() ? "pretty" : "json";
}

type Style = Parameters<typeof styleText>[0];

/** Colored only where stdout takes color (a terminal, no NO_COLOR): styleText checks. */
export const paint = (style: Style, text: string): string => styleText(style, text, { stream: process.stdout });

const LEVELS: Record<number, [string, Style]> = {
  10: ["TRACE", "gray"],
  20: ["DEBUG", "gray"],
  30: ["INFO ", "green"],
  40: ["WARN ", "yellow"],
  50: ["ERROR", "red"],
  60: ["FATAL", ["red", "bold"]],
};

/** The fields every line has, shown in the line's head rather than after the message. */
const HEAD_FIELDS = new Set(["level", "time", "msg", "service", "name", "pid", "hostname", "v"]);

/**
 * One log line as a person reads it: `12:03:04 INFO  users  message key=value …`, an error's stack
 * on the lines below. A line that is not pino's JSON (a library writing to stdout) keeps its text,
 * under the service's name. A probe that succeeded (`/ready`, `/health`: the supervisor polls them
 * while the services start) is left out: undefined.
 */
export function prettyLogLine(service: string, line: string): string | undefined {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
    if (typeof entry !== "object" || entry === null || typeof entry.level !== "number") throw new Error("not a log entry");
  } catch {
    return `${paint("gray", clock(new Date()))} ${paint("cyan", service.padEnd(12))} ${line}`;
  }
  if (entry.msg === "request" && PROBES.has(String(entry.path)) && Number(entry.status) < 400) return undefined;
  const [label, style] = LEVELS[entry.level] ?? [String(entry.level).padEnd(5), "white"];
  const time = typeof entry.time === "string" || typeof entry.time === "number" ? new Date(entry.time) : new Date();
  const fields: string[] = [];
  let stack = "";
  for (const [key, value] of Object.entries(entry)) {
    if (HEAD_FIELDS.has(key) || value === undefined) continue;
    if (key === "err" && value && typeof value === "object") {
      const err = value as { message?: string; stack?: string; type?: string; code?: string };
      fields.push(`err=${JSON.stringify(err.message ?? err.code ?? err.type)}`);
      if (err.stack) stack = `\n${paint("gray", err.stack.replace(/^/gm, "    "))}`;
      continue;
    }
    fields.push(`${key}=${typeof value === "string" ? value : JSON.stringify(value)}`);
  }
  const name = typeof entry.service === "string" ? entry.service : service;
  const message = typeof entry.msg === "string" ? entry.msg : "";
  const text = entry.level >= 50 ? paint(style, message) : message;
  return `${paint("gray", clock(time))} ${paint(style, label)} ${paint("cyan", name.padEnd(12))} ${text}${fields.length ? ` ${paint("gray", fields.join(" "))}` : ""}${stack}`;
}

const PROBES = new Set(["/ready", "/health"]);

const clock = (time: Date) => time.toTimeString().slice(0, 8);

/** Writes one line of a service's output as logFormat() says. */
export function relayLogLine(service: string, line: string): void {
  const shown = logFormat() === "pretty" ? prettyLogLine(service, line) : line;
  if (shown !== undefined) process.stdout.write(`${shown}\n`);
}

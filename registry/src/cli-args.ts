import { parseArgs } from "node:util";

/** A command line the CLI cannot run: exit code 2, the usage printed. */
export class UsageError extends Error {
  readonly code = "USAGE";
}

export interface OptionSpec {
  type: "string" | "boolean";
  /** A string option that must be given. */
  required?: boolean;
  /** What its value is, for the usage line (FILE, URL, …). */
  value?: string;
}

export interface ParsedCommand {
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
}

/** Options every command takes. */
const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  json: { type: "boolean" },
  help: { type: "boolean" },
};

/**
 * Reads one command's arguments strictly: an unknown option, a missing value, a missing required
 * option, or a positional too many or too few is a UsageError naming it (never guessed around).
 */
export function parseCommand(args: string[], positionals: string[], options: Record<string, OptionSpec>): ParsedCommand {
  const all = { ...options, ...GLOBAL_OPTIONS };
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: Object.fromEntries(Object.entries(all).map(([name, spec]) => [name, { type: spec.type, ...(name === "help" ? { short: "h" } : {}) }])),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(usageMessage(error as Error & { code?: string }));
  }
  const values = parsed.values as ParsedCommand["values"];
  if (values.help) return { positionals: parsed.positionals, values };
  if (parsed.positionals.length < positionals.length) {
    throw new UsageError(
      `missing ${positionals
        .slice(parsed.positionals.length)
        .map((name) => `<${name}>`)
        .join(" ")}`,
    );
  }
  if (parsed.positionals.length > positionals.length) throw new UsageError(`unexpected argument "${parsed.positionals[positionals.length]}"`);
  for (const [name, spec] of Object.entries(options)) {
    if (spec.required && values[name] === undefined) throw new UsageError(`missing --${name} ${spec.value ?? "VALUE"}`);
    if (spec.type === "string" && values[name] === "") throw new UsageError(`--${name} needs a value`);
  }
  return { positionals: parsed.positionals, values };
}

/** node:util's messages, shortened to what the user typed wrong. */
function usageMessage(error: Error & { code?: string }): string {
  const option = /'(-[^']*)'/.exec(error.message)?.[1];
  switch (error.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown option ${option ?? error.message}`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      return option && /argument missing/.test(error.message) ? `${option.split(" ")[0]} needs a value` : error.message;
    default:
      return error.message;
  }
}

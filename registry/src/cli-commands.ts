import fs from "node:fs";
import type { RegistryClient } from "./client";
import type { OptionSpec, ParsedCommand } from "./cli-args";
import { UsageError } from "./cli-args";
import { formatChangelog, formatCheck, formatDiff, formatHistory, formatLaunches, formatUsage } from "./cli-format";

/** A failure on this side of the registry (a file that cannot be read): exit code 1, coded like the registry's. */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** What a command answers: `data` for --json, `human` otherwise; `ok: false` exits 1 (a failed check). */
interface Outcome {
  data: unknown;
  human: string;
  ok: boolean;
}

interface CommandContext extends ParsedCommand {
  client: RegistryClient;
  /** For `--schema -`. */
  readStdin(): Promise<string>;
}

export interface Command {
  /** One word, or two for a group (`operations publish`). */
  name: string;
  positionals: string[];
  options: Record<string, OptionSpec>;
  summary: string;
  run(context: CommandContext): Promise<Outcome>;
}

const string = (value: string | boolean | undefined) => (typeof value === "string" ? value : undefined);

async function readSchema(file: string, context: CommandContext): Promise<string> {
  if (file === "-") return context.readStdin();
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new CliError("FILE_UNREADABLE", `cannot read ${file}: ${(error as Error).message}`);
  }
}

export const COMMANDS: Command[] = [
  {
    name: "publish",
    positionals: ["subgraph"],
    options: {
      schema: { type: "string", required: true, value: "FILE" },
      url: { type: "string", required: true, value: "URL" },
      author: { type: "string", value: "NAME" },
      commit: { type: "string", value: "SHA" },
    },
    summary: "store a new version of a subgraph (refused, with each error, when the supergraph would not compose)",
    async run(context) {
      const [subgraph] = context.positionals;
      const sdl = await readSchema(string(context.values.schema)!, context);
      const result = await context.client.publish(subgraph, {
        sdl,
        url: string(context.values.url)!,
        author: string(context.values.author),
        commit: string(context.values.commit),
      });
      const human = result.unchanged
        ? `${subgraph} unchanged: version ${result.version.id} is current (supergraph ${result.launch.id})`
        : `published ${subgraph} version ${result.version.id} (sha256 ${result.version.hash.slice(0, 12)}); supergraph ${result.launch.id}`;
      return { data: result, human, ok: true };
    },
  },
  {
    name: "check",
    positionals: ["subgraph"],
    options: { schema: { type: "string", required: true, value: "FILE" }, url: { type: "string", value: "URL" } },
    summary: "compose a proposed schema with the others and check it against every known operation (exit 1 when it fails)",
    async run(context) {
      const [subgraph] = context.positionals;
      const sdl = await readSchema(string(context.values.schema)!, context);
      const report = await context.client.check(subgraph, { sdl, url: string(context.values.url) });
      return { data: report, human: formatCheck(report), ok: report.ok };
    },
  },
  {
    name: "fetch",
    positionals: [],
    options: {
      api: { type: "boolean" },
      supergraph: { type: "boolean" },
      version: { type: "string", value: "LAUNCH" },
      variant: { type: "string", value: "NAME" },
    },
    summary: "print the API schema (default), or the supergraph, current or of a version, or a variant's API",
    async run(context) {
      const { api, supergraph, variant } = context.values;
      const version = string(context.values.version);
      if (api && supergraph) throw new UsageError("--api and --supergraph exclude each other");
      if (supergraph && variant) throw new UsageError("a variant has an API schema only: drop --supergraph or --variant");
      const schema = supergraph ? await context.client.supergraph({ version }) : await context.client.apiSchema({ version, variant: string(variant) });
      return { data: schema, human: schema.sdl.replace(/\n$/, ""), ok: true };
    },
  },
  {
    name: "history",
    positionals: ["subgraph"],
    options: {},
    summary: "list a subgraph's versions, newest first",
    async run(context) {
      const [subgraph] = context.positionals;
      const versions = await context.client.history(subgraph);
      return { data: { subgraph, versions }, human: formatHistory(subgraph, versions), ok: true };
    },
  },
  {
    name: "versions",
    positionals: [],
    options: {},
    summary: "list the supergraph's versions (launches), newest first: the ids diff and fetch --version take",
    async run(context) {
      const versions = await context.client.launches();
      return { data: { versions }, human: formatLaunches(versions), ok: true };
    },
  },
  {
    name: "diff",
    positionals: ["from", "to"],
    options: {},
    summary: "the API changes between two supergraph versions",
    async run(context) {
      const [from, to] = context.positionals;
      const diff = await context.client.diff(from, to);
      return { data: diff, human: formatDiff(diff), ok: true };
    },
  },
  {
    name: "changelog",
    positionals: [],
    options: { variant: { type: "string", value: "NAME" }, limit: { type: "string", value: "N" } },
    summary: "each version's API changes (breaking, dangerous, safe), newest first",
    async run(context) {
      const limitText = string(context.values.limit);
      const limit = limitText === undefined ? undefined : Number(limitText);
      if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new UsageError("--limit takes a positive whole number");
      const entries = await context.client.changelog({ limit, variant: string(context.values.variant) });
      return { data: { entries }, human: formatChangelog(entries), ok: true };
    },
  },
  {
    name: "variants",
    positionals: [],
    options: {},
    summary: "list the contract variants (the tags each includes or excludes)",
    async run(context) {
      const variants = await context.client.variants();
      const human = variants.length
        ? variants
            .map((variant) => `  ${variant.name}  include ${variant.include.join(", ") || "everything"}; exclude ${variant.exclude.join(", ") || "nothing"}`)
            .join("\n")
        : "no variants";
      return { data: { variants }, human, ok: true };
    },
  },
  {
    name: "operations publish",
    positionals: ["manifest"],
    options: { client: { type: "string", required: true, value: "NAME" }, "client-version": { type: "string", value: "VERSION" } },
    summary: "register a client's trusted documents (Apollo's persisted query manifest, or codegen's hash → body)",
    async run(context) {
      const [file] = context.positionals;
      const text = await readSchema(file, context);
      let manifest: unknown;
      try {
        manifest = JSON.parse(text);
      } catch (error) {
        throw new CliError("INVALID_MANIFEST", `${file} is not JSON: ${(error as Error).message}`);
      }
      const client = { name: string(context.values.client)!, version: string(context.values["client-version"]) };
      const result = await context.client.publishOperations({ client, manifest });
      const name = client.version ? `${client.name}@${client.version}` : client.name;
      return { data: result, human: `${name}: ${result.stored} operation(s) stored, ${result.unchanged} already known`, ok: true };
    },
  },
  {
    name: "usage",
    positionals: ["coordinate"],
    options: { days: { type: "string", value: "N" } },
    summary: "who uses a schema coordinate (Type.field, Type.field(arg:), Enum.VALUE): operations and clients",
    async run(context) {
      const daysText = string(context.values.days);
      const days = daysText === undefined ? undefined : Number(daysText);
      if (days !== undefined && !(Number.isInteger(days) && days > 0)) throw new UsageError("--days takes a positive whole number");
      const usage = await context.client.usage(context.positionals[0], { days });
      return { data: usage, human: formatUsage(usage), ok: true };
    },
  },
];

export function commandUsage(command: Command): string {
  const options = Object.entries(command.options).map(([name, spec]) => {
    const text = spec.type === "string" ? `--${name} ${spec.value ?? "VALUE"}` : `--${name}`;
    return spec.required ? text : `[${text}]`;
  });
  return [command.name, ...command.positionals.map((name) => `<${name}>`), ...options, "[--json]"].join(" ");
}

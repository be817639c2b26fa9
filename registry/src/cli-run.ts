import { RegistryClient, DEFAULT_REGISTRY_URL } from "./client";
import { UsageError, parseCommand } from "./cli-args";
import type { Command } from "./cli-commands";
import { COMMANDS, CliError, commandUsage } from "./cli-commands";
import { formatRegistryError } from "./cli-format";
import { RegistryError } from "./errors";

/** Exit codes: 0 done, 1 a failed check or an error (the registry's or a file's), 2 a command line it cannot run. */
const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export interface CliStreams {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  stdin: AsyncIterable<Buffer | string>;
}

const HELP = `usage: solo-registry <command> [arguments] [--json]   (npm run -s registry -- <command> …)

commands:
${COMMANDS.map((command) => `  ${commandUsage(command)}\n      ${command.summary}`).join("\n")}

environment:
  REGISTRY_URL       the registry (default ${DEFAULT_REGISTRY_URL})
  SOLO_REGISTRY_KEY  an API key with registry:read (checks, fetches) or registry:write (publishes);
                     unset: a platform service token signed with this machine's INTERNAL_TOKEN_SECRET

--json prints the registry's answer as JSON (errors as {"error":{code,message,details}} on stderr).
exit codes: 0 done; 1 a failed check or an error (its code on stderr); 2 a command line it cannot run.`;

/** Runs one command line against the registry REGISTRY_URL names; resolves to the process's exit code. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv, streams: CliStreams = process): Promise<number> {
  const json = argv.includes("--json");
  let command: Command | undefined;
  let schemaFile: string | undefined;
  try {
    if (!argv.length || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
      (argv.length ? streams.stdout : streams.stderr).write(HELP + "\n");
      return argv.length ? EXIT.ok : EXIT.usage;
    }
    const words = argv[0] === "operations" ? 2 : 1;
    const name = argv.slice(0, words).join(" ");
    command = COMMANDS.find((candidate) => candidate.name === name);
    if (!command) throw new UsageError(`unknown command "${name}" (commands: ${COMMANDS.map((candidate) => candidate.name).join(", ")})`);
    const parsed = parseCommand(argv.slice(words), command.positionals, command.options);
    if (parsed.values.help) {
      streams.stdout.write(`usage: solo-registry ${commandUsage(command)}\n  ${command.summary}\n`);
      return EXIT.ok;
    }
    schemaFile = typeof parsed.values.schema === "string" ? parsed.values.schema : undefined;
    const client = new RegistryClient({ url: env.REGISTRY_URL || DEFAULT_REGISTRY_URL, apiKey: env.SOLO_REGISTRY_KEY || undefined });
    const outcome = await command.run({ ...parsed, client, readStdin: () => readAll(streams.stdin) });
    streams.stdout.write((json ? JSON.stringify(outcome.data, null, 2) : outcome.human) + "\n");
    return outcome.ok ? EXIT.ok : EXIT.failed;
  } catch (error) {
    if (error instanceof UsageError) {
      const usage = command ? `usage: solo-registry ${commandUsage(command)}` : "solo-registry --help lists the commands";
      streams.stderr.write(json ? JSON.stringify({ error: { code: error.code, message: error.message } }) + "\n" : `error USAGE: ${error.message}\n${usage}\n`);
      return EXIT.usage;
    }
    if (error instanceof RegistryError) {
      streams.stderr.write((json ? JSON.stringify(error.toJSON()) : formatRegistryError(error, schemaFile)) + "\n");
      return EXIT.failed;
    }
    if (error instanceof CliError) {
      streams.stderr.write((json ? JSON.stringify({ error: { code: error.code, message: error.message } }) : `error ${error.code}: ${error.message}`) + "\n");
      return EXIT.failed;
    }
    throw error;
  }
}

async function readAll(stream: AsyncIterable<Buffer | string>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}

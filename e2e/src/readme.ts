import fs from "node:fs";
import path from "node:path";
import { projectRoot } from "@solo/kit";

/**
 * The README's code blocks, with the marks that say how a test runs them. A mark is an HTML
 * comment on the line right before the fence (GitHub shows neither):
 *
 * - `<!-- runs -->`, or `<!-- runs: option; option -->`: the block is run, in order with the
 *   others, against a started platform (sh blocks in bash, in one shell session; js blocks with Node);
 * - `<!-- output -->` on the fence after a run block: the lines it must print, in order, each
 *   matching a whole line of its output, where `…` stands for any text.
 *
 * Fences with no language or `text` are illustrations (output, diagrams, settings) and run nothing.
 */
export interface ReadmeBlock {
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  code: string;
  /** The options of its `runs` mark; undefined when it is not marked to run. */
  runs?: string[];
  /** The lines of its `<!-- output -->` block. */
  output?: string[];
  /** The heading it sits under, for messages. */
  section: string;
}

const MARK = /^<!--\s*(runs|output)(?::\s*(.*?))?\s*-->$/;

/** A block that talks to the API: GraphQL, or a command or program that calls the gateway or the registry. */
export function talksToApi(block: Pick<ReadmeBlock, "lang" | "code">): boolean {
  if (block.lang === "" || block.lang === "text") return false;
  if (block.lang === "graphql") return true;
  return /\bcurl\b|\bfetch\(|createClient|createSoloClient|@solo\/client|x-api-key|(127\.0\.0\.1|localhost):4[01]00\b|\$API\b|ws:\/\//.test(block.code);
}

export function readmeBlocks(text = fs.readFileSync(path.join(projectRoot(), "README.md"), "utf8")): ReadmeBlock[] {
  const lines = text.split("\n");
  const blocks: ReadmeBlock[] = [];
  let section = "";
  for (let index = 0; index < lines.length; index++) {
    const heading = /^#+\s+(.*)$/.exec(lines[index]);
    if (heading) section = heading[1];
    const fence = /^(`{3,})\s*(\S*)(.*)$/.exec(lines[index]);
    if (!fence) continue;
    const end = lines.findIndex((line, at) => at > index && line.startsWith(fence[1]) && line.trim() === fence[1]);
    if (end < 0) throw new Error(`README.md:${index + 1}: a fence that is never closed`);
    const mark = MARK.exec(lines[index - 1]?.trim() ?? "");
    const code = lines.slice(index + 1, end).join("\n");
    if (mark?.[1] === "output") {
      const previous = blocks.at(-1);
      if (!previous?.runs) throw new Error(`README.md:${index + 1}: an output block must follow a block marked runs`);
      if (previous.output) throw new Error(`README.md:${index + 1}: a second output block for the block at line ${previous.line}`);
      previous.output = code.split("\n");
    } else {
      const runs =
        mark?.[1] === "runs"
          ? (mark[2] ?? "")
              .split(";")
              .map((option) => option.trim())
              .filter(Boolean)
          : undefined;
      blocks.push({ line: index + 1, lang: fence[2], code, runs, section });
    }
    index = end;
  }
  return blocks;
}

/** Whether `output` holds each expected line, in order, `…` in them matching any text. */
export function matchesOutput(expected: string[], output: string): { ok: true } | { ok: false; missing: string } {
  const lines = output.split("\n").map((line) => line.trimEnd());
  let at = 0;
  for (const want of expected) {
    const pattern = new RegExp(`^${want.trimEnd().split("…").map(escapeRegExp).join(".*")}$`);
    while (at < lines.length && !pattern.test(lines[at])) at++;
    if (at === lines.length) return { ok: false, missing: want };
    at++;
  }
  return { ok: true };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

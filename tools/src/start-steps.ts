import { paint } from "./log-format";

/**
 * What `npm start` says it is doing, one line per step as it happens: `▸ what …` when a step
 * begins, `✔ what …` (with how long it took) when it is done, `✖ what …` when it failed. Plain
 * text with the marks colored in a terminal, so a log file reads the same.
 */
export function stepBegins(what: string, detail = ""): number {
  console.log(`${paint("cyan", "▸")} ${paint("bold", what)}${detail ? ` ${detail}` : ""}`);
  return Date.now();
}

export function stepDone(what: string, detail = "", startedAt?: number): void {
  const took = startedAt ? paint("gray", ` (${((Date.now() - startedAt) / 1000).toFixed(1)} s)`) : "";
  console.log(`${paint("green", "✔")} ${paint("bold", what)}${detail ? ` ${detail}` : ""}${took}`);
}

export function stepFailed(message: string): void {
  console.error(`${paint("red", "✖")} ${message}`);
}

/** Lines in a box drawn with box-drawing characters, as wide as its widest line. */
export function box(title: string, lines: string[]): string {
  // eslint-disable-next-line no-control-regex -- the escape sequences of the colors, which take no width
  const width = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, "").length;
  const inner = Math.max(width(title) + 2, ...lines.map(width)) + 2;
  const border = (text: string) => paint("green", text);
  const top = `${border("╭─")} ${paint("bold", title)} ${border(`${"─".repeat(inner - width(title) - 3)}╮`)}`;
  const body = lines.map((line) => `${border("│")} ${line}${" ".repeat(inner - width(line) - 1)}${border("│")}`);
  return [top, ...body, border(`╰${"─".repeat(inner)}╯`)].join("\n");
}

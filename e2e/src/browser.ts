import fs from "node:fs";
import type { Browser } from "playwright-core";
import { chromium } from "playwright-core";

/** Debian's Chromium (installed by .ci/run): playwright cannot download browsers here. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** A `describe` option: the reason to skip a browser suite, or false where Chromium is installed. */
export const withoutChromium: string | false = !fs.existsSync(CHROMIUM) && `no Chromium at ${CHROMIUM} (.ci/run installs it)`;

/** Headless, with no background networking: this machine's closed network refuses it, many at a time. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

#!/usr/bin/env node
import { runCli } from "./cli-run";

// `solo-registry <command>` / `npm run registry -- <command>`: see `solo-registry --help`.
runCli(process.argv.slice(2), process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  },
);

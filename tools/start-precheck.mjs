// `npm start`'s first step (its prestart): refuses at once when another `npm start` holds the data
// directory, before the build would recompile dist under the running platform. Plain JavaScript so
// that it needs nothing compiled. It only refuses: the lock itself is taken by start.js, the
// long-running process (tools/src/start-guards.ts, whose checks this repeats), and that stays the
// authority: two starts passing here at once are still sorted out there.
import fs from "node:fs";
import path from "node:path";

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const dataDir = process.env.SOLO_DATA_DIR ?? path.join(root, ".data");
const START_SCRIPT = path.join("tools", "dist", "src", "start.js");

/** The pid in the lock when it names a running `npm start` (see isNpmStart in start-guards.ts). */
function holder() {
  let pid;
  try {
    pid = Number(fs.readFileSync(path.join(dataDir, "npm-start.pid"), "utf8").trim());
  } catch {
    return undefined;
  }
  if (!pid || pid === process.pid) return undefined;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if (error.code !== "EPERM") return undefined;
  }
  try {
    return fs
      .readFileSync(`/proc/${pid}/cmdline`, "utf8")
      .split("\0")
      .some((arg) => arg.endsWith(START_SCRIPT))
      ? pid
      : undefined;
  } catch {
    return fs.existsSync("/proc/self/cmdline") ? undefined : pid;
  }
}

const pid = holder();
if (pid) {
  console.error(
    `✖ another npm start (pid ${pid}) holds the data directory ${dataDir}: stop it (Ctrl-C in its terminal), or give this one a directory of its own with SOLO_DATA_DIR`,
  );
  process.exit(1);
}

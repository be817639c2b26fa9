import fs from "node:fs";
import { isPortFree } from "@solo/kit";
import path from "node:path";

/** The file under the data directory naming the `npm start` that uses it. */
const LOCK_FILE = "npm-start.pid";
/** What an `npm start` runs (package.json's start script execs it), as its command line ends. */
const START_SCRIPT = path.join("tools", "dist", "src", "start.js");

/** Whether a process with this pid exists (EPERM: it does, under another user). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Whether the process a lock names is an `npm start`: a pid the system gave, after a crash, to
 * an unrelated process must not block every later start. Linux says what a process runs
 * (/proc/<pid>/cmdline); elsewhere a live pid is taken to be the holder.
 */
function isNpmStart(pid: number): boolean {
  if (!isRunning(pid)) return false;
  let cmdline: string;
  try {
    cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    // No /proc (not Linux): the pid check is all there is. ENOENT on Linux: it just exited.
    return !fs.existsSync("/proc/self/cmdline");
  }
  return cmdline.split("\0").some((arg) => arg.endsWith(START_SCRIPT));
}

/**
 * Takes the data directory for this process: two `npm start`s on one directory would share (and
 * fight over) its embedded Postgres and object store. Returns the pid of the running `npm start`
 * that holds it instead, if one does. A lock whose process is gone (a crash, a kill -9) or is no
 * `npm start` (its pid reused) is stale and taken over. The lock is removed when this process exits.
 *
 * The lock file never goes missing while a start holds or takes it: it appears whole (a link to a
 * file already written, so nobody reads it empty) and a stale one is replaced by a rename over it.
 * Moving a lock aside to check it, as this did before, left a moment with no lock, in which a
 * third start took it beside the one whose lock had been moved: two holders.
 */
export function lockDataDir(dir: string): { heldBy?: number } {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, LOCK_FILE);
  const mine = `${file}.${process.pid}`;
  fs.writeFileSync(mine, `${process.pid}\n`);
  try {
    for (let attempt = 0; attempt < 200; attempt++) {
      if (createExclusive(mine, file) || replaceStale(mine, file)) {
        process.once("exit", () => {
          // Only our own: a lock another process took over after ours went stale stays.
          if (readPid(file) === process.pid) fs.rmSync(file, { force: true });
        });
        return {};
      }
      const pid = readPid(file);
      if (pid && pid !== process.pid && isNpmStart(pid)) return { heldBy: pid };
      // Another start is taking this stale lock over, or its holder just stopped: read it again.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  } finally {
    fs.rmSync(mine, { force: true });
  }
  throw new Error(`could not take ${file}: another process keeps writing it`);
}

/** Makes `file` a second name of `mine` unless `file` exists: exclusive, and whole when it appears. */
function createExclusive(mine: string, file: string): boolean {
  try {
    fs.linkSync(mine, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

/**
 * Replaces a stale lock with ours. Of the starts that find one stale lock (naming pid X), only the
 * one that creates the marker `<lock>.takeover-X` may replace it, and only if the lock still names
 * X once the marker is made: whoever made the marker before either replaced the lock already (it
 * names another pid now) or gave up. A marker outlives its maker only if that start died between
 * the two steps; one older than MARKER_ABANDONED_MS whose maker is gone is removed.
 */
function replaceStale(mine: string, file: string): boolean {
  const stale = readPid(file);
  if (!stale || stale === process.pid || isNpmStart(stale)) return false;
  const marker = `${file}.takeover-${stale}`;
  try {
    fs.writeFileSync(marker, `${process.pid}\n`, { flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    removeAbandonedMarker(marker);
    return false;
  }
  try {
    if (readPid(file) !== stale) return false;
    fs.renameSync(mine, file);
    return true;
  } finally {
    fs.rmSync(marker, { force: true });
  }
}

/** A takeover takes microseconds: a marker this old whose maker is gone was left by a crash. */
const MARKER_ABANDONED_MS = 10_000;

function removeAbandonedMarker(marker: string) {
  try {
    const maker = readPid(marker);
    if (Date.now() - fs.statSync(marker).mtimeMs > MARKER_ABANDONED_MS && !(maker && isRunning(maker))) fs.rmSync(marker, { force: true });
  } catch {
    // Gone already: its maker finished.
  }
}

function readPid(file: string): number | undefined {
  try {
    return Number(fs.readFileSync(file, "utf8").trim()) || undefined;
  } catch {
    return undefined;
  }
}

export interface PlannedPort {
  port: number;
  /** Whose port it is: "gateway", a subgraph's name, "embedded Postgres", … */
  owner: string;
  /** The variable that moves it: PORT_OFFSET for the platform's own, EMBEDDED_*_PORT for a stand-in's. */
  variable: string;
}

/**
 * The ports that are taken, before anything starts: a service that cannot bind its port would
 * otherwise fail half-way through the start, after the others had started.
 */
export async function portsInUse(ports: PlannedPort[]): Promise<PlannedPort[]> {
  const free = await Promise.all(ports.map((planned) => isPortFree(planned.port)));
  return ports.filter((_, index) => !free[index]);
}

/** A PORT_OFFSET (a multiple of 100 above the current one) under which every platform port is free, to suggest. */
export async function nextFreeOffset(ports: PlannedPort[], offset: number): Promise<number | undefined> {
  const own = ports.filter((planned) => planned.variable === "PORT_OFFSET");
  for (let next = offset + 100; next <= offset + 1_000; next += 100) {
    const shifted = own.map((planned) => ({ ...planned, port: planned.port - offset + next }));
    if (shifted.every((planned) => planned.port < 65_536) && !(await portsInUse(shifted)).length) return next;
  }
  return undefined;
}

/**
 * One GraphQL request to a running platform's gateway, as a browser sends it (with a bearer token
 * when given): the tests of `npm start` talk to it from outside, over HTTP.
 */
export async function postGraphQL(url: string, query: string, variables: object = {}, token?: string): Promise<{ status: number; data?: any; errors?: any[] }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: response.status, ...((await response.json()) as { data?: any; errors?: any[] }) };
}

/** What `npm start` prints last when Ctrl-C or SIGTERM stopped it and every process it ran exited 0. */
const CLEAN_STOP = /^✔ stopped every process exited cleanly$/m;
/** A terminal's color sequences. */
const COLORS = new RegExp(`${"\u001b"}\\[[0-9;]*m`, "g");

/**
 * Ends a platform `npm start` left running after a failed assertion: the supervisor's process group
 * and the group of each service it reported as `started (pid N)` in its output. Nothing when the
 * platform said it stopped cleanly: its pids are gone then, and may since belong to other processes
 * (another test file's, running at the same time).
 */
export function killPlatform(supervisorPid: number | undefined, output: string): void {
  if (CLEAN_STOP.test(output.replace(COLORS, "").replace(/\r\n/g, "\n"))) return;
  for (const pid of [supervisorPid, ...[...output.matchAll(/started \(pid (\d+)\)/g)].map((match) => Number(match[1]))]) {
    for (const target of pid ? [-pid, pid] : []) {
      try {
        process.kill(target, "SIGKILL");
      } catch {
        // already gone, or not a group's leader
      }
    }
  }
}

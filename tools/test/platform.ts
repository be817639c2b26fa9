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

/**
 * Ends a platform `npm start` left running after a failed assertion: the supervisor's process group
 * and the group of each service it reported as `started (pid N)` in its output.
 */
export function killPlatform(supervisorPid: number | undefined, output: string): void {
  for (const pid of [supervisorPid, ...[...output.matchAll(/started \(pid (\d+)\)/g)].map((match) => Number(match[1]))]) {
    try {
      if (pid) process.kill(-pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

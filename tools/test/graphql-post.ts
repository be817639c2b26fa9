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

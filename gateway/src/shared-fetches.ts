import type { RemoteGraphQLDataSource } from "@apollo/gateway";
import { IDENTITY_HEADER } from "@solo/kit";

type Fetcher = RemoteGraphQLDataSource["fetcher"];
type FetcherRequestInit = NonNullable<Parameters<Fetcher>[1]>;
type FetcherResponse = Awaited<ReturnType<Fetcher>>;

/** A body the query planner sent as a query (`query …` or `{ … }`), never a mutation. */
const QUERY_BODY = /^\{"query":"(?:query\b|\{)/;

interface Answer {
  status: number;
  statusText: string;
  headers: [string, string][];
  text: string;
}

/**
 * Identical subgraph queries in flight at once share one fetch: same URL, same signed identity
 * (a token stands for one identity, see SignedIdentity) and the same body, which holds the
 * operation and its variables. What they read is the same at that moment, so popular pages under
 * load cost a subgraph one request per wave instead of one per client. Mutations always go alone,
 * and nothing is kept once the answer is in: this is not a cache. Each caller gets its own copy of
 * the answer to read. `onShared` counts the fetches saved.
 */
export function sharingInFlightQueries(fetcher: Fetcher, onShared?: () => void): Fetcher {
  const inFlight = new Map<string, Promise<Answer>>();
  return async (url: string, init?: FetcherRequestInit): Promise<FetcherResponse> => {
    const body = init?.body;
    if (typeof body !== "string" || !QUERY_BODY.test(body)) return fetcher(url, init);
    const key = `${url}\n${init?.headers?.[IDENTITY_HEADER] ?? ""}\n${body}`;
    let answer = inFlight.get(key);
    if (answer) onShared?.();
    else {
      answer = (async () => {
        try {
          const response = await fetcher(url, init);
          return { status: response.status, statusText: response.statusText, headers: [...response.headers], text: await response.text() };
        } finally {
          inFlight.delete(key);
        }
      })();
      inFlight.set(key, answer);
    }
    const { status, statusText, headers, text } = await answer;
    return new Response(text, { status, statusText, headers });
  };
}

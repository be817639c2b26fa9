// GraphiQL 5, bundled by build.mjs into gateway/dist/graphiql and served by the gateway itself:
// no script, style, font or worker comes from anywhere else. Queries and mutations go over HTTP to
// /graphql, subscriptions over graphql-ws at the same URL, both with the headers editor's headers.
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import "graphiql/style.css";
import { getOperationAST, parse } from "graphql";
import { createClient } from "graphql-ws";
import { createElement } from "react";
import { createRoot } from "react-dom/client";

// Monaco's workers, built next to this file (build.mjs) and started from the gateway's origin.
const WORKERS = { json: "json.worker.js", graphql: "graphql.worker.js" };
globalThis.MonacoEnvironment = {
  getWorker(_id, label) {
    return new Worker(new URL(`/graphiql/${WORKERS[label] ?? "editor.worker.js"}`, location.origin));
  },
};

const url = new URL("/graphql", location.origin).href;
const socketUrl = url.replace(/^http/, "ws");
const http = createGraphiQLFetcher({ url });

/** What the gateway reads from connection_init: the editor's Authorization and X-API-Key headers. */
function connectionParams(headers = {}) {
  const params = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== "string") continue;
    if (name.toLowerCase() === "authorization") params.authorization = value;
    if (name.toLowerCase() === "x-api-key") params.apiKey = value;
  }
  return params;
}

// One socket per set of credentials: editing the headers signs the next subscription in anew.
const sockets = new Map();
function socketFetcher(headers) {
  const params = connectionParams(headers);
  const key = JSON.stringify(params);
  if (!sockets.has(key)) sockets.set(key, createGraphiQLFetcher({ url, wsClient: createClient({ url: socketUrl, connectionParams: params, lazy: true }) }));
  return sockets.get(key);
}

function isSubscription(params, options) {
  try {
    const document = options?.documentAST ?? parse(params.query);
    return getOperationAST(document, params.operationName || undefined)?.operation === "subscription";
  } catch {
    return false;
  }
}

const fetcher = (params, options) => (isSubscription(params, options) ? socketFetcher(options?.headers)(params, options) : http(params, options));

const initialQuery = `# Welcome to the SOLO API. Set an access token or API key in the Headers tab:
#   { "Authorization": "Bearer <accessToken>" }  or  { "X-API-Key": "<key>" }
# The Docs button (top left) lists every type and field.

query Catalog {
  courses(first: 5) {
    edges {
      node {
        title
        slug
      }
    }
  }
}
`;

createRoot(document.getElementById("graphiql")).render(createElement(GraphiQL, { fetcher, defaultQuery: initialQuery, isHeadersEditorEnabled: true }));

import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApolloServer } from "@apollo/server";
import { HeaderMap } from "@apollo/server";
import { GraphQLError } from "graphql";
import type { RouteStep } from "./admission";
import type { TaggedContext } from "./cache-tags";
import type { TrackedRequest } from "./http";
import type { Logger } from "./logger";
import { readJsonBody } from "./json-body";
import { requestShapeError, sendError } from "./limits";
import type { QueryRunner } from "./query-runner";

export interface GraphqlEndpointOptions<Context extends TaggedContext & { log?: Logger }, Caller> {
  apollo: ApolloServer<Context>;
  maxBodyBytes: number;
  limits: { maxTokens: number; maxListLength?: number };
  /** Gives the request its id and logger, and logs and measures it when it ends (trackRequest). */
  track: (req: IncomingMessage, res: ServerResponse) => TrackedRequest;
  /** Who calls, or why they may not: checked before the body is read. */
  caller: (req: IncomingMessage) => Promise<Caller | GraphQLError>;
  /** Admission control: the request runs when `next` is called. */
  admission: RouteStep;
  context: (request: { req: IncomingMessage; res: ServerResponse; caller: Caller } & TrackedRequest) => Promise<Context>;
  /** Answers the queries it knows to be valid without Apollo's request pipeline (queryRunner). */
  runner?: QueryRunner;
}

/**
 * `/graphql` on node's own request and response, in the order the gateway's Express route runs
 * the same steps: request id and access log, the caller, admission, the JSON body, its shape, then
 * the query runner for the valid queries it knows, Apollo Server for everything else. A subgraph
 * serves nothing else as often, and Express's router, body parser and response helpers cost 0.06
 * ms of CPU a request there (a quarter of `{ __typename }` on the content subgraph), none of them
 * needed to hand Apollo a parsed body.
 */
export function graphqlEndpoint<Context extends TaggedContext & { log?: Logger }, Caller>(options: GraphqlEndpointOptions<Context, Caller>) {
  const { apollo } = options;
  return (req: IncomingMessage, res: ServerResponse): void => {
    const tracked = options.track(req, res);
    // The rest of a body left unread is discarded once the refusal is sent (node's server does),
    // so that the client, still sending it, reads the refusal rather than a broken pipe.
    const refuse = (error: GraphQLError) => sendError(res, error);
    const serve = async () => {
      const caller = await options.caller(req);
      if (isGraphQLError(caller)) return refuse(caller);
      options.admission(req, res, () => void answer(caller).catch((error: unknown) => fail(error)));
    };
    const answer = async (caller: Caller) => {
      const method = (req.method ?? "GET").toUpperCase();
      const read = method === "POST" ? await readJsonBody(req, options.maxBodyBytes) : { body: undefined };
      if (!read) return;
      if ("refusal" in read) return refuse(read.refusal);
      const search = searchOf(req.url);
      // A GET's document is in its search parameters, a POST's in its body.
      const query = method === "GET" ? (new URLSearchParams(search).get("query") ?? undefined) : undefined;
      const refusal = requestShapeError(options.limits, { method, body: read.body, query });
      if (refusal) return refuse(refusal);
      const prepared = method === "POST" ? options.runner?.prepare(read.body, req.headers.accept) : undefined;
      if (prepared) {
        const answered = await options.runner!.run(prepared, await options.context({ req, res, caller, ...tracked }));
        if (answered) {
          for (const [name, value] of answered.headers) res.setHeader(name, value);
          res.statusCode = answered.status;
          res.setHeader("content-length", Buffer.byteLength(answered.body));
          res.end(answered.body);
          return;
        }
      }
      const headers = new HeaderMap();
      for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
      const response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method, headers, search, body: read.body },
        context: () => options.context({ req, res, caller, ...tracked }),
      });
      for (const [name, value] of response.headers) res.setHeader(name, value);
      res.statusCode = response.status ?? 200;
      if (response.body.kind === "complete") {
        res.setHeader("content-length", Buffer.byteLength(response.body.string));
        res.end(response.body.string);
        return;
      }
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    };
    const fail = (error: unknown) => {
      tracked.log.error({ err: error }, "the GraphQL endpoint failed");
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end();
      } else res.destroy();
    };
    serve().catch(fail);
  };
}

const isGraphQLError = (value: unknown): value is GraphQLError => value instanceof GraphQLError;

/** The search part of a request URL, `?` included, or "". */
const searchOf = (url = "") => {
  const at = url.indexOf("?");
  return at < 0 ? "" : url.slice(at);
};

import http from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "@solo/kit";
import type { ServerOptions } from "graphql-ws";
import { CloseCode, handleProtocols, makeServer } from "graphql-ws";
import type { RawData } from "ws";
import { WebSocket, WebSocketServer } from "ws";

/** Why an upgrade is refused: answered over HTTP, before any WebSocket exists. */
export interface UpgradeRefusal {
  status: number;
  message: string;
  headers?: Record<string, string>;
}

export interface GraphqlWsServerOptions<E> {
  server: http.Server;
  path: string;
  /** A message (all its frames) announcing more than this closes the socket with 1009, unread. */
  maxMessageBytes: number;
  keepAliveMs: number;
  logger: Logger;
  /** The one gate every upgrade to `path` passes before the handshake. */
  admit: (request: http.IncomingMessage) => UpgradeRefusal | undefined;
  /** What graphql-ws hands every hook of this socket as `ctx.extra`. */
  extra: (socket: WebSocket, request: http.IncomingMessage) => E;
}

// Valid graphql-transport-ws messages that only a server sends. graphql-ws's server accepts them
// from the wire and then has no case for them, which closes with 4500 as if the fault were ours.
const SERVER_TO_CLIENT = new Set(["connection_ack", "next", "error"]);

/**
 * graphql-ws (graphql-transport-ws) over `ws` on an existing HTTP server, like graphql-ws's own
 * `useServer` except that: the upgrade passes an admission check first; a message over the size
 * limit is refused by `ws` from its frame header, so its body is never buffered; a client's
 * protocol mistake closes with 4400, never 4500; and socket errors go to our logger.
 */
export function serveGraphqlWs<P extends Record<string, unknown>, E>(options: GraphqlWsServerOptions<E>, hooks: ServerOptions<P, E>) {
  const { logger } = options;
  const wss = new WebSocketServer({
    noServer: true,
    path: options.path,
    maxPayload: options.maxMessageBytes,
    perMessageDeflate: false,
    handleProtocols,
  });
  const server = makeServer<P, E>(hooks);

  const onUpgrade = (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    // Other paths: ws answers 400 itself.
    const refusal = wss.shouldHandle(request) ? options.admit(request) : undefined;
    if (refusal) return refuse(socket, refusal);
    wss.handleUpgrade(request, socket, head, (ws) => opened(ws, request));
  };
  options.server.on("upgrade", onUpgrade);

  function opened(socket: WebSocket, request: http.IncomingMessage) {
    socket.on("error", (error: Error & { code?: string }) => {
      // ws has already closed with the code that fits (1009 for a message over the limit, 1002 or
      // 1007 for a malformed frame) and drops whatever else arrives: nothing left to do but note it.
      logger.info({ code: error.code, message: error.message }, "websocket closed on a protocol error");
    });
    // A peer that does not answer a ping within the interval is gone: its socket is dropped.
    let awaitingPong: NodeJS.Timeout | undefined;
    socket.on("pong", () => {
      clearTimeout(awaitingPong);
      awaitingPong = undefined;
    });
    const ping =
      options.keepAliveMs > 0
        ? setInterval(() => {
            if (socket.readyState !== WebSocket.OPEN || awaitingPong) return;
            awaitingPong = setTimeout(() => socket.terminate(), options.keepAliveMs);
            socket.ping();
          }, options.keepAliveMs)
        : undefined;
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== WebSocket.OPEN) return resolve();
            socket.send(data, (error) => (error ? reject(error) : resolve()));
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on("message", (data) => {
            const text = messageText(data);
            if (sentByServersOnly(text)) return socket.close(CloseCode.BadRequest, "Invalid message received");
            handle(text).catch((error: unknown) => {
              logger.error({ err: error }, "graphql-ws message handling failed");
              socket.close(CloseCode.InternalServerError, "Internal server error");
            });
          }),
      },
      options.extra(socket, request),
    );
    socket.once("close", (code, reason) => {
      clearInterval(ping);
      clearTimeout(awaitingPong);
      closed(code, String(reason)).catch((error) => logger.error({ err: error }, "graphql-ws close handling failed"));
    });
  }

  return {
    /**
     * Closes the sockets open now with 1001 one after another, evenly over `overMs`: clients
     * reconnect (to the replicas staying) as a stream rather than all in the same instant.
     */
    async closeGradually(overMs: number) {
      const sockets = [...wss.clients];
      const started = Date.now();
      for (const [index, socket] of sockets.entries()) {
        const wait = started + (overMs * index) / sockets.length - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        if (socket.readyState === WebSocket.OPEN) socket.close(1001, "Server shutting down");
      }
    },
    /** Stops taking upgrades and closes every socket with 1001 (going away). */
    async close() {
      options.server.off("upgrade", onUpgrade);
      for (const client of wss.clients) client.close(1001, "Server shutting down");
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

function sentByServersOnly(text: string): boolean {
  try {
    return SERVER_TO_CLIENT.has((JSON.parse(text) as { type?: unknown })?.type as string);
  } catch {
    return false; // graphql-ws closes with 4400 for what is not JSON
  }
}

function refuse(socket: Duplex, refusal: UpgradeRefusal) {
  const headers = { Connection: "close", "Content-Type": "text/plain", "Content-Length": String(Buffer.byteLength(refusal.message)), ...refusal.headers };
  socket.on("error", () => undefined); // the client may already be gone
  socket.once("finish", () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${refusal.status} ${http.STATUS_CODES[refusal.status]}\r\n` +
      Object.entries(headers)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join("") +
      `\r\n${refusal.message}`,
  );
}

/** A message's text: one Buffer with ws's default binaryType, but the type allows fragments and ArrayBuffers. */
function messageText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString("utf8");
  return (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString("utf8");
}

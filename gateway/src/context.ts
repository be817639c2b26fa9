import { Identity, Logger } from "@solo/kit";

export interface GatewayContext {
  identity: Identity;
  requestId: string;
  log: Logger;
  /** The client's address (HTTP requests; live updates run without one). */
  ip?: string;
  /** The identity signed for subgraphs, made once per request on first use. */
  signedIdentity?: Promise<string>;
}

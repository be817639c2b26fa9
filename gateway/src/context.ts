import { Identity, Logger } from "@solo/kit";

export interface GatewayContext {
  identity: Identity;
  requestId: string;
  log: Logger;
  /** The identity signed for subgraphs, made once per request on first use. */
  signedIdentity?: Promise<string>;
}

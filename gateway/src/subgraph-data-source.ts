import { GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from "@apollo/gateway";
import { IDENTITY_HEADER, REQUEST_ID_HEADER, signIdentity } from "@solo/kit";
import type { GatewayContext } from "./context";

/** Every subgraph request carries the caller's identity, signed by the gateway, and the request id. */
export class IdentityForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    config: ConstructorParameters<typeof RemoteGraphQLDataSource<GatewayContext>>[0],
    private readonly onFetch?: () => void,
  ) {
    super(config);
  }

  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>) {
    this.onFetch?.();
    const headers = request.http?.headers;
    if (!headers || !context?.identity) return;
    context.signedIdentity ??= signIdentity(context.identity);
    headers.set(IDENTITY_HEADER, await context.signedIdentity);
    headers.set(REQUEST_ID_HEADER, context.requestId);
  }
}

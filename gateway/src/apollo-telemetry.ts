/**
 * @apollo/gateway reports anonymous usage to Apollo unless APOLLO_TELEMETRY_DISABLED is set: each
 * ApolloGateway probes the cloud metadata addresses (169.254.169.254, 100.100.100.200,
 * metadata.google.internal) over node:http as it is made, and posts OTLP metrics to
 * usage-reporting.api.apollographql.com as it stops. Where those addresses reset the connection,
 * that is the `socket hang up` that tests saw; where they drop it, each stop waits out the
 * exporter's 10 s. A self-hosted platform phones nobody: off unless the operator turns it on
 * (APOLLO_TELEMETRY_DISABLED=false). Apollo reads only the variable, at construction.
 */
export function disableApolloTelemetryUnlessAsked(env: NodeJS.ProcessEnv = process.env): void {
  env.APOLLO_TELEMETRY_DISABLED ??= "true";
}

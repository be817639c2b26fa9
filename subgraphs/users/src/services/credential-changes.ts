import type { CredentialChange, SubgraphContext, SubgraphRuntime } from "@solo/kit";
import { CREDENTIALS_CHANGED_HEADER, CREDENTIALS_CHANGED_TOPIC } from "@solo/kit";

/** The part of a request's context a change is said on. */
type Response = Pick<SubgraphContext, "setResponseHeader">;

/**
 * Says, once committed, that sessions ended, roles changed or keys were revoked: on the response
 * (the gateway that carried the request drops its cached checks before it answers) and on the bus
 * (every other gateway replica drops them as it hears). Called after the commit, never before: a
 * gateway that asked again in between would cache the old answer.
 */
export class CredentialChanges {
  /** One request may change several (a document with two mutations): its header names them all. */
  private readonly saidOn = new WeakMap<Response, CredentialChange>();

  constructor(private readonly announce: SubgraphRuntime<unknown>["announce"]) {}

  async committed(response: Response, change: CredentialChange): Promise<void> {
    const said = merge(this.saidOn.get(response) ?? {}, change);
    this.saidOn.set(response, said);
    response.setResponseHeader(CREDENTIALS_CHANGED_HEADER, JSON.stringify(said));
    await this.announce(CREDENTIALS_CHANGED_TOPIC, change);
  }
}

function merge(said: CredentialChange, change: CredentialChange): CredentialChange {
  const merged: CredentialChange = {};
  for (const kind of ["userIds", "sessionIds", "apiKeyIds"] as const) {
    const ids = [...new Set([...(said[kind] ?? []), ...(change[kind] ?? [])])];
    if (ids.length) merged[kind] = ids;
  }
  return merged;
}

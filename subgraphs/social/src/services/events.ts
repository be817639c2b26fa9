import type { LivePublisher } from "@solo/kit";

/** The subscription fields whose topics social publishes (see subscription.resolver.ts). */
export const LIVE_TOPICS = ["engagementUpdated"] as const;

/**
 * What changed, said after it is committed: the gateway re-reads what each subscriber may see.
 * A failed publish is logged by the kit, never undoes the change (the next change publishes again).
 */
export class SocialEvents {
  constructor(private readonly live: LivePublisher) {}

  async engagementChanged(accountId: string): Promise<void> {
    await this.live.publish("engagementUpdated", { accountId });
  }
}

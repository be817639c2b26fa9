import type { LivePublisher } from "@solo/kit";

/** The subscription fields whose topics leads publishes (see subscription.resolver.ts). */
export const LIVE_TOPICS = ["leadPipelineUpdated", "leadImportProgress"] as const;

/**
 * What changed, said after it is committed: the gateway re-reads what each subscriber may see.
 * `leadPipelineUpdated` takes no arguments: its topic is keyed by the owner (the gateway keys each
 * subscriber's by who subscribes, `live-topic:owner`), so an owner's change wakes only their streams.
 */
export class LeadEvents {
  constructor(private readonly live: LivePublisher) {}

  async pipelineChanged(ownerId: string): Promise<void> {
    await this.live.publish("leadPipelineUpdated", { owner: ownerId });
  }

  async importProgressed(assetId: string): Promise<void> {
    await this.live.publish("leadImportProgress", { assetId });
  }
}

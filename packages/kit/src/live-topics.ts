import { DATA_CHANGED_TOPIC } from "./cache-hints";
import type { EventBus } from "./event-bus";
import { subscriptionTopic } from "./event-bus";
import type { Logger } from "./logger";

/** What a subgraph publishes for live subscriptions: "look again" on a field's topic, keys only. */
export interface LivePublisher {
  /**
   * Publishes on the topic of `field` with `args`, after the change is committed. A failed publish
   * is logged and never undoes the change (the next change publishes again).
   */
  publish(field: string, args: Record<string, unknown>): Promise<void>;
}

/** A publisher for the subscription fields a descriptor declares; others are refused as a bug. */
export function livePublisher(topics: readonly string[], bus: EventBus | undefined, logger: Logger): LivePublisher {
  const declared = new Set(topics);
  return {
    async publish(field, args) {
      if (!bus || !declared.has(field)) throw new Error(`"${field}" is not among the live topics this subgraph declares`);
      const topic = subscriptionTopic(field, args);
      // The same event evicts the cached answers that read the topic (they name it in ctx.reads).
      await Promise.all([bus.publish(topic, { ...args, at: new Date().toISOString() }), bus.publish(DATA_CHANGED_TOPIC, { tags: [topic] })]).catch((error) => {
        logger.warn({ err: error, field }, "could not publish an event");
      });
    },
  };
}

/** What `runtime.announce` does: publish on a declared internal topic, a failure logged. */
export function announcer(topics: readonly string[], bus: EventBus | undefined, logger: Logger): (topic: string, payload: Record<string, unknown>) => Promise<void> {
  const declared = new Set(topics);
  return async (topic, payload) => {
    if (!bus || !declared.has(topic)) throw new Error(`"${topic}" is not among the topics this subgraph announces`);
    await bus.publish(topic, payload).catch((error) => {
      logger.warn({ err: error, topic }, "could not announce an event");
    });
  };
}

/** What `ctx.changed` announces to every gateway: the tags of a committed change, a failure logged. */
export function changeAnnouncer(bus: EventBus | undefined, logger: Logger): ((tags: string[]) => Promise<void>) | undefined {
  if (!bus) return undefined;
  return async (tags) => {
    await bus.publish(DATA_CHANGED_TOPIC, { tags }).catch((error) => {
      logger.warn({ err: error, tags }, "could not announce a change; cached answers that read it live until their maxAge");
    });
  };
}

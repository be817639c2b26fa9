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
      await bus.publish(subscriptionTopic(field, args), { ...args, at: new Date().toISOString() }).catch((error) => {
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

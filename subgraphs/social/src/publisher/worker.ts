import type { SubgraphWorker } from "@solo/kit";
import type { SocialSettings } from "../config";
import type { SocialServices } from "../services";
import { claimDuePosts, releaseClaims } from "./claims";
import { publishPost } from "./publish-post";

/** Posts one publisher claims at a time: small, so replicas share a burst of due posts. */
const CLAIM_BATCH = 5;

/**
 * The publisher: its own processes (`npm start` runs PUBLISHER_REPLICAS of them). Each claims due
 * posts and publishes them one by one; when none is due it sleeps PUBLISH_POLL_MS. At SIGTERM it
 * finishes the post in hand, hands back the posts it claimed but had not started, and returns.
 * Killed instead, its posts wait for their lease to run out, then another publisher takes them.
 */
export const publisherWorker: SubgraphWorker<SocialSettings, SocialServices> = {
  name: "publisher",
  replicas: (settings) => settings.publisherReplicas,
  async run({ services, runtime, signal, workerId }) {
    const { settings, clock } = services;
    const now = () => clock.now();
    while (!signal.aborted) {
      const em = runtime.orm.em.fork();
      let claimed: Awaited<ReturnType<typeof claimDuePosts>> = [];
      try {
        claimed = await claimDuePosts(em, { id: workerId, leaseMs: settings.publishLeaseMs }, now(), CLAIM_BATCH);
      } catch (error) {
        runtime.logger.error({ err: error }, "could not claim due posts");
      }
      for (const [index, post] of claimed.entries()) {
        if (signal.aborted) {
          // Stopping: the posts not started go back at once, rather than when their lease runs out.
          await releaseClaims(em, claimed.slice(index)).catch((error: unknown) => runtime.logger.warn({ err: error }, "could not hand back claimed posts"));
          break;
        }
        await publishPost(post, { em, settings, instagram: services.instagram, content: services.content, tokens: services.tokens, logger: runtime.logger, now });
      }
      if (claimed.length < CLAIM_BATCH) await sleep(settings.publishPollMs, signal);
    }
  },
};

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

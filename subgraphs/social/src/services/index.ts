import type { Clock, SubgraphRuntime } from "@solo/kit";
import type { SocialSettings } from "../config";
import { ContentClient } from "./content-client";
import { SocialEvents } from "./events";
import { InstagramClient } from "./instagram-client";
import { TokenCipher } from "./token-cipher";

/** What one social process holds for its resolvers, jobs and publisher (each resolver class is given it once). */
export interface SocialServices {
  settings: SocialSettings;
  clock: Clock;
  events: SocialEvents;
  content: ContentClient;
  tokens: TokenCipher;
  instagram: InstagramClient;
}

export function createSocialServices(runtime: SubgraphRuntime<SocialSettings>): SocialServices {
  const { settings } = runtime;
  return {
    settings,
    clock: runtime.clock,
    events: new SocialEvents(runtime.live),
    content: new ContentClient(runtime.peers, runtime.logger),
    tokens: new TokenCipher(settings.tokenKeys),
    instagram: new InstagramClient({ baseUrl: settings.instagramGraphUrl, timeoutMs: settings.instagramTimeoutMs }),
  };
}

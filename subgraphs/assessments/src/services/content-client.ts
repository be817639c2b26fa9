import type { ContentLookup, ContentLookupRequest } from "@solo/content/internal-api";
import { contentLookupRoute } from "@solo/content/internal-api";
import type { Identity, Logger, Peers } from "@solo/kit";
import { apiError, callInternal, forbidden, isUuid } from "@solo/kit";

export type { ContentLookup };

/** Which ids to ask about: the lists the lookup takes, each id any string a client sent. */
export type ContentIds = { [Kind in keyof ContentLookupRequest]?: string[] };

/**
 * Asks the content subgraph about courses, lessons, decks and cards, as the caller: what comes
 * back is what the caller could see through the graph. No copy of content's data is kept here.
 */
export class ContentClient {
  constructor(
    private readonly peers: Peers,
    private readonly logger: Logger,
  ) {}

  async lookup(caller: Identity, ids: ContentIds): Promise<ContentLookup> {
    const url = this.peers.url("content");
    const unavailable = () => apiError("SERVICE_UNAVAILABLE", "Course content cannot be checked right now");
    if (!url) throw unavailable();
    // An id that is not a UUID names nothing content has: it is left out, as content would find nothing.
    const uuids = (list: string[] | undefined) => list?.filter(isUuid);
    const request = { courseIds: uuids(ids.courseIds), lessonIds: uuids(ids.lessonIds), cardIds: uuids(ids.cardIds), deckIds: uuids(ids.deckIds) };
    const answer = await callInternal(contentLookupRoute, url, request, { caller: "assessments", actingFor: caller }).catch((error: unknown) => {
      // The client hears only that content cannot be checked; the log says why.
      this.logger.warn({ err: error }, "content lookup failed");
      throw unavailable();
    });
    if (answer.status === 403) throw forbidden('This API key lacks the scope "content:read"');
    return answer.body;
  }
}

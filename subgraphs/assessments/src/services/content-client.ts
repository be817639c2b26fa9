import type { Identity, Peers } from "@solo/kit";
import { apiError, forbidden, postInternal } from "@solo/kit";

export interface ContentLookup {
  courses: { id: string; title: string; status: string; authorId: string; editable: boolean; lessonCount: number }[];
  lessons: { id: string; courseId: string; lessonCount: number }[];
  cards: { id: string; deckId: string }[];
  decks: { id: string; cardIds: string[] }[];
}

export type ContentLookupRequest = { courseIds?: string[]; lessonIds?: string[]; cardIds?: string[]; deckIds?: string[] };

/**
 * Asks the content subgraph about courses, lessons, decks and cards, as the caller: what comes
 * back is what the caller could see through the graph. No copy of content's data is kept here.
 */
export class ContentClient {
  constructor(private readonly peers: Peers) {}

  async lookup(caller: Identity, request: ContentLookupRequest): Promise<ContentLookup> {
    const url = this.peers.url("content");
    const unavailable = () => apiError("SERVICE_UNAVAILABLE", "Course content cannot be checked right now");
    if (!url) throw unavailable();
    const response = await postInternal<ContentLookup>(url, "/internal/lookup", request, "assessments", { actingFor: caller }).catch(() => null);
    if (response?.status === 403) throw forbidden('This API key lacks the scope "content:read"');
    if (!response || response.status !== 200 || !response.body) throw unavailable();
    return response.body;
  }
}

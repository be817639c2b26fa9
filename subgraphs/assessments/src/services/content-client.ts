import { apiError, forbidden, postInternal } from "@solo/kit";
import { AssessmentsContext } from "../loaders";

export interface ContentLookup {
  courses: { id: string; title: string; status: string; authorId: string; editable: boolean; lessonCount: number }[];
  lessons: { id: string; courseId: string; lessonCount: number }[];
  cards: { id: string; deckId: string }[];
  decks: { id: string; cardIds: string[] }[];
}

/**
 * Asks the content subgraph about courses, lessons, decks and cards, as the caller: what comes
 * back is what the caller could see through the graph. No copy of content's data is kept here.
 */
export async function lookupContent(
  ctx: AssessmentsContext,
  request: { courseIds?: string[]; lessonIds?: string[]; cardIds?: string[]; deckIds?: string[] },
): Promise<ContentLookup> {
  const url = ctx.loaders.contentUrl();
  const unavailable = () => apiError("SERVICE_UNAVAILABLE", "Course content cannot be checked right now");
  if (!url) throw unavailable();
  const response = await postInternal<ContentLookup>(url, "/internal/lookup", request, "assessments", { actingFor: ctx.identity }).catch(() => null);
  if (response?.status === 403) throw forbidden('This API key lacks the scope "content:read"');
  if (!response || response.status !== 200 || !response.body) throw unavailable();
  return response.body;
}
